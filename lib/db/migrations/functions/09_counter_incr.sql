-- xbot_counter_incr: defined by migration 002; this is its one current source.
CREATE OR REPLACE FUNCTION xbot_counter_incr(p_key text, p_by bigint, p_window_ms bigint) RETURNS bigint LANGUAGE sql AS $fn$
  INSERT INTO xbot_kv AS kv (key, n, expires_at) VALUES (p_key, p_by, xbot_expiry(p_window_ms))
  ON CONFLICT (key) DO UPDATE SET
    n = CASE WHEN kv.expires_at <= clock_timestamp() THEN EXCLUDED.n ELSE kv.n + EXCLUDED.n END,
    expires_at = CASE WHEN kv.expires_at <= clock_timestamp() THEN EXCLUDED.expires_at ELSE kv.expires_at END
  RETURNING n
$fn$;
