-- xbot_breaker_remembered: defined by migration 007; this is its one current source.
-- Breakers may remember their escalation after closing (BreakerPolicy.memoryMs): a closed
-- record keeps `opens` and `lastOpenedAtMs`, and an opening within memoryMs of the last one
-- continues the cool-down list. The same transition as breaker_next in lib/state/lua.ts.
CREATE OR REPLACE FUNCTION xbot_breaker_remembered(p_policy jsonb, p_opens int, p_last bigint) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE WHEN coalesce((p_policy ->> 'memoryMs')::bigint, 0) <= 0 OR p_opens = 0 OR p_last IS NULL
    THEN '{"state":"closed","failures":0,"opens":0}'::jsonb
    ELSE jsonb_build_object('state', 'closed', 'failures', 0, 'opens', p_opens, 'lastOpenedAtMs', p_last) END
$fn$;
