-- xbot_settle: defined by migration 003; this is its one current source.
CREATE OR REPLACE FUNCTION xbot_settle(r jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  now_ms bigint := (r ->> 'nowMs')::bigint;
  v_holder text := r ->> 'owner';
  ok boolean := r ->> 'status' = 'ok';
  prev jsonb := (SELECT value FROM xbot_kv WHERE key = r ->> 'heartbeatKey');
  item jsonb;
BEGIN
  INSERT INTO xbot_kv (key, value, expires_at)
  VALUES (r ->> 'heartbeatKey',
          jsonb_build_object('at', now_ms, 'status', r ->> 'status',
            'lastSuccessAt', CASE WHEN ok THEN to_jsonb(now_ms) ELSE coalesce(prev -> 'lastSuccessAt', 'null'::jsonb) END),
          xbot_expiry((r ->> 'heartbeatTtlMs')::bigint))
  ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at, owner = NULL;
  FOR item IN SELECT * FROM jsonb_array_elements(r -> 'outcomes') LOOP
    PERFORM xbot_breaker_record(item ->> 'key', item ->> 'trialKey', (item ->> 'ok')::boolean, (item ->> 'trial')::boolean, item -> 'policy', now_ms);
  END LOOP;
  DELETE FROM xbot_leases WHERE holder = v_holder AND resource IN (SELECT jsonb_array_elements_text(r -> 'leaseKeys'));
  IF r ? 'lockKey' THEN
    DELETE FROM xbot_kv WHERE key = r ->> 'lockKey' AND owner = v_holder;
  END IF;
END $fn$;
