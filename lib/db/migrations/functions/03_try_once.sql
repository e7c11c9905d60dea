-- xbot_try_once: defined by migration 002; this is its one current source.
-- Once-only key: true only for the first caller within the TTL (never re-entrant).
CREATE OR REPLACE FUNCTION xbot_try_once(p_key text, p_owner text, p_ttl_ms bigint) RETURNS boolean LANGUAGE sql AS $fn$
  WITH up AS (
    INSERT INTO xbot_kv AS kv (key, owner, expires_at) VALUES (p_key, p_owner, xbot_expiry(p_ttl_ms))
    ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at, value = NULL, n = 0
      WHERE kv.expires_at <= clock_timestamp()
    RETURNING 1)
  SELECT EXISTS (SELECT 1 FROM up)
$fn$;
