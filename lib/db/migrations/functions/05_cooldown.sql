-- xbot_cooldown: defined by migration 002; this is its one current source.
CREATE OR REPLACE FUNCTION xbot_cooldown(p_policy jsonb, p_opens int) RETURNS bigint LANGUAGE sql IMMUTABLE AS $fn$
  SELECT coalesce((p_policy -> 'cooldownsMs' ->> (least(greatest(p_opens, 1), jsonb_array_length(p_policy -> 'cooldownsMs')) - 1))::bigint, 60000)
$fn$;
