-- xbot_expiry: defined by migration 002; this is its one current source.
CREATE OR REPLACE FUNCTION xbot_expiry(p_ttl_ms bigint) RETURNS timestamptz LANGUAGE sql VOLATILE AS
$fn$ SELECT clock_timestamp() + p_ttl_ms * interval '1 millisecond' $fn$;
