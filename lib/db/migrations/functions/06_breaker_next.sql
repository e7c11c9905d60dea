-- xbot_breaker_next: defined by migration 002, 007; this is its one current source.
CREATE OR REPLACE FUNCTION xbot_breaker_next(p_rec jsonb, p_ok boolean, p_trial boolean, p_policy jsonb, p_now_ms bigint) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE st text := coalesce(p_rec ->> 'state', 'closed');
        f int := coalesce((p_rec ->> 'failures')::int, 0);
        o int := coalesce((p_rec ->> 'opens')::int, 0);
        last bigint := (p_rec ->> 'lastOpenedAtMs')::bigint;
        next_opens int := 1;
BEGIN
  IF st = 'isolated' THEN RETURN p_rec; END IF;
  IF st = 'open' THEN
    IF NOT p_trial THEN RETURN p_rec; END IF;
    IF p_ok THEN RETURN xbot_breaker_remembered(p_policy, o, (p_rec ->> 'openedAtMs')::bigint); END IF;
    RETURN jsonb_build_object('state', 'open', 'failures', f + 1, 'opens', o + 1, 'openedAtMs', p_now_ms, 'retryAtMs', p_now_ms + xbot_cooldown(p_policy, o + 1));
  END IF;
  IF p_ok THEN
    IF f = 0 THEN RETURN p_rec; END IF;
    RETURN xbot_breaker_remembered(p_policy, o, last);
  END IF;
  IF f + 1 < (p_policy ->> 'threshold')::int THEN
    RETURN xbot_breaker_remembered(p_policy, o, last) || jsonb_build_object('failures', f + 1);
  END IF;
  IF last IS NOT NULL AND p_now_ms - last < coalesce((p_policy ->> 'memoryMs')::bigint, 0) THEN next_opens := o + 1; END IF;
  RETURN jsonb_build_object('state', 'open', 'failures', f + 1, 'opens', next_opens, 'openedAtMs', p_now_ms, 'retryAtMs', p_now_ms + xbot_cooldown(p_policy, next_opens));
END $fn$;
