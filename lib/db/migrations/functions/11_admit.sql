-- xbot_admit: defined by migration 003; this is its one current source.
CREATE OR REPLACE FUNCTION xbot_admit(r jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  now_ms bigint := (r ->> 'nowMs')::bigint;
  v_holder text := r ->> 'owner';
  closed jsonb := '{"state":"closed","failures":0,"opens":0}';
  item jsonb; rec jsonb; hb jsonb; lease jsonb;
  trials jsonb := '[]'; seen jsonb := '{}';
BEGIN
  IF r ? 'dedupeKey' AND NOT xbot_try_once(r ->> 'dedupeKey', v_holder, (r ->> 'dedupeTtlMs')::bigint) THEN
    RETURN '{"success":false,"reason":"duplicate"}';
  END IF;
  BEGIN
    FOR item IN SELECT * FROM jsonb_array_elements(r -> 'breakers') LOOP
      rec := coalesce((SELECT value FROM xbot_kv WHERE key = item ->> 'key'), closed);
      seen := seen || jsonb_build_object(item ->> 'name', rec);
      IF rec ->> 'state' = 'isolated' OR (rec ->> 'state' = 'open' AND now_ms < (rec ->> 'retryAtMs')::bigint) THEN
        PERFORM xbot_refuse(jsonb_build_object('reason', 'breaker_open', 'dependency', item ->> 'name', 'retryAtMs', rec -> 'retryAtMs'));
      END IF;
    END LOOP;
    FOR item IN SELECT * FROM jsonb_array_elements(r -> 'after') LOOP
      hb := (SELECT value FROM xbot_kv WHERE key = item ->> 'key' AND (expires_at IS NULL OR expires_at > clock_timestamp()));
      IF hb IS NULL OR jsonb_typeof(hb -> 'lastSuccessAt') IS DISTINCT FROM 'number'
         OR now_ms - (hb ->> 'lastSuccessAt')::bigint > (item ->> 'maxAgeMs')::bigint THEN
        PERFORM xbot_refuse(jsonb_build_object('reason', 'dependency_unhealthy', 'job', item ->> 'job'));
      END IF;
    END LOOP;
    IF r ? 'lockKey' AND NOT xbot_try_lock(r ->> 'lockKey', v_holder, (r ->> 'lockTtlMs')::bigint) THEN
      PERFORM xbot_refuse('{"reason":"locked"}');
    END IF;
    FOR item IN SELECT * FROM jsonb_array_elements(r -> 'leases') LOOP
      lease := xbot_lease_acquire(item ->> 'key', v_holder, (item ->> 'slots')::int, (item ->> 'ttlMs')::bigint);
      IF NOT (lease ->> 'success')::boolean THEN
        PERFORM xbot_refuse(jsonb_build_object('reason', 'budget_exhausted', 'resource', item ->> 'resource'));
      END IF;
    END LOOP;
    FOR item IN SELECT * FROM jsonb_array_elements(r -> 'breakers') LOOP
      IF seen -> (item ->> 'name') ->> 'state' = 'open' THEN
        IF NOT xbot_try_once(item ->> 'trialKey', v_holder, (item ->> 'trialTtlMs')::bigint) THEN
          PERFORM xbot_refuse(jsonb_build_object('reason', 'breaker_open', 'dependency', item ->> 'name', 'retryAtMs', NULL));
        END IF;
        trials := trials || to_jsonb(item ->> 'name');
      END IF;
    END LOOP;
  EXCEPTION WHEN SQLSTATE 'XB001' THEN
    RETURN SQLERRM::jsonb;
  END;
  RETURN jsonb_build_object('success', true, 'trials', trials, 'breakers', seen);
END $fn$;
