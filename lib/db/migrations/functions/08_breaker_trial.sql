-- xbot_breaker_trial: defined by migration 002; this is its one current source.
-- May the caller pass the breaker? Closed: yes. Cooling or isolated: no. Cooled: ONE trial.
CREATE OR REPLACE FUNCTION xbot_breaker_trial(p_key text, p_trial_key text, p_holder text, p_now_ms bigint, p_ttl_ms bigint) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE rec jsonb := coalesce((SELECT value FROM xbot_kv WHERE key = p_key), '{"state":"closed","failures":0,"opens":0}');
BEGIN
  IF rec ->> 'state' = 'closed' THEN RETURN jsonb_build_object('success', true, 'trial', false, 'breaker', rec); END IF;
  IF rec ->> 'state' = 'isolated' THEN RETURN jsonb_build_object('success', false, 'trial', false, 'reason', 'isolated', 'breaker', rec); END IF;
  IF p_now_ms < (rec ->> 'retryAtMs')::bigint THEN RETURN jsonb_build_object('success', false, 'trial', false, 'reason', 'open', 'breaker', rec); END IF;
  IF xbot_try_once(p_trial_key, p_holder, p_ttl_ms) THEN RETURN jsonb_build_object('success', true, 'trial', true, 'breaker', rec); END IF;
  RETURN jsonb_build_object('success', false, 'trial', false, 'reason', 'trial_in_progress', 'breaker', rec);
END $fn$;
