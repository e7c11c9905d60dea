-- Admission also refuses when the service level (derived from every breaker that is not
-- closed) is below the job's minLevel; settlement hands back unexercised half-open trials.

CREATE OR REPLACE FUNCTION xbot_service_level(r jsonb) RETURNS int LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(min(coalesce((r -> 'levels' ->> substr(key, length(r ->> 'breakerPrefix') + 1))::int, 3)), 3)
  FROM xbot_kv
  WHERE key LIKE replace(replace(replace(r ->> 'breakerPrefix', '\', '\\'), '%', '\%'), '_', '\_') || '%'
    AND value ->> 'state' <> 'closed'
$fn$;

CREATE OR REPLACE FUNCTION xbot_admit_leveled(r jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE level int;
BEGIN
  IF r ? 'dedupeKey' AND NOT xbot_try_once(r ->> 'dedupeKey', r ->> 'owner', (r ->> 'dedupeTtlMs')::bigint) THEN
    RETURN '{"success":false,"reason":"duplicate"}';
  END IF;
  level := xbot_service_level(r);
  IF level < coalesce((r ->> 'minLevel')::int, 0) THEN
    RETURN jsonb_build_object('success', false, 'reason', 'degraded', 'level', level);
  END IF;
  RETURN xbot_admit(r - 'dedupeKey');
END $fn$;

CREATE OR REPLACE FUNCTION xbot_settle_trials(r jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM xbot_kv WHERE owner = r ->> 'owner' AND key IN (SELECT jsonb_array_elements_text(coalesce(r -> 'releaseTrials', '[]')));
  PERFORM xbot_settle(r);
END $fn$;
