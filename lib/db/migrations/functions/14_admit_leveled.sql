-- xbot_admit_leveled: defined by migration 004; this is its one current source.
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
