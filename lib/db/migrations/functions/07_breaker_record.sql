-- xbot_breaker_record: defined by migration 002; this is its one current source.
CREATE OR REPLACE FUNCTION xbot_breaker_record(p_key text, p_trial_key text, p_ok boolean, p_trial boolean, p_policy jsonb, p_now_ms bigint) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE rec jsonb; nxt jsonb;
BEGIN
  SELECT value INTO rec FROM xbot_kv WHERE key = p_key FOR UPDATE;
  IF NOT FOUND AND NOT p_ok THEN
    INSERT INTO xbot_kv (key, value) VALUES (p_key, '{"state":"closed","failures":0,"opens":0}') ON CONFLICT (key) DO NOTHING;
    SELECT value INTO rec FROM xbot_kv WHERE key = p_key FOR UPDATE;
  END IF;
  rec := coalesce(rec, '{"state":"closed","failures":0,"opens":0}');
  nxt := xbot_breaker_next(rec, p_ok, p_trial, p_policy, p_now_ms);
  IF nxt IS DISTINCT FROM rec THEN UPDATE xbot_kv SET value = nxt WHERE key = p_key; END IF;
  IF p_trial THEN DELETE FROM xbot_kv WHERE key = p_trial_key; END IF;
  RETURN nxt;
END $fn$;
