-- xbot_service_level: defined by migration 004; this is its one current source.
CREATE OR REPLACE FUNCTION xbot_service_level(r jsonb) RETURNS int LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(min(coalesce((r -> 'levels' ->> substr(key, length(r ->> 'breakerPrefix') + 1))::int, 3)), 3)
  FROM xbot_kv
  WHERE key LIKE replace(replace(replace(r ->> 'breakerPrefix', '\', '\\'), '%', '\%'), '_', '\_') || '%'
    AND value ->> 'state' <> 'closed'
$fn$;
