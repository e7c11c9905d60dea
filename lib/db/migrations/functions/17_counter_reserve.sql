-- xbot_counter_reserve: defined by migration 013; this is its one current source.
-- A counter that only grows within a cap (the X API dollar budget, fleet-wide): add p_by
-- when the live total plus p_by stays <= p_cap, atomically (ON CONFLICT ... WHERE is
-- re-checked on the locked row). The same rule as counterReserve in lib/state/lua.ts.
CREATE OR REPLACE FUNCTION xbot_counter_reserve(p_key text, p_by bigint, p_cap bigint, p_window_ms bigint) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE v bigint;
BEGIN
  IF p_by <= p_cap THEN
    INSERT INTO xbot_kv AS kv (key, n, expires_at) VALUES (p_key, p_by, xbot_expiry(p_window_ms))
    ON CONFLICT (key) DO UPDATE SET
      n = CASE WHEN kv.expires_at <= clock_timestamp() THEN EXCLUDED.n ELSE kv.n + EXCLUDED.n END,
      expires_at = CASE WHEN kv.expires_at <= clock_timestamp() THEN EXCLUDED.expires_at ELSE kv.expires_at END
    WHERE kv.expires_at <= clock_timestamp() OR kv.n + EXCLUDED.n <= p_cap
    RETURNING n INTO v;
  END IF;
  IF v IS NOT NULL THEN RETURN jsonb_build_object('granted', true, 'total', v); END IF;
  RETURN jsonb_build_object('granted', false, 'total', coalesce((SELECT n FROM xbot_kv WHERE key = p_key AND (expires_at IS NULL OR expires_at > clock_timestamp())), 0));
END $fn$;
