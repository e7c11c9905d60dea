-- Postgres StateStore. Every operation is ONE statement or ONE function call, so it is one
-- round trip over Neon's HTTP protocol and atomic. Keys arrive fully built (lib/state/keys.ts).

CREATE TABLE xbot_kv (
  key        text PRIMARY KEY,
  owner      text,
  value      jsonb,
  n          bigint NOT NULL DEFAULT 0,
  expires_at timestamptz
);
CREATE INDEX xbot_kv_prefix ON xbot_kv (key text_pattern_ops);
CREATE INDEX xbot_kv_expiry ON xbot_kv (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE xbot_leases (
  resource   text NOT NULL,
  holder     text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (resource, holder)
);

CREATE FUNCTION xbot_expiry(p_ttl_ms bigint) RETURNS timestamptz LANGUAGE sql VOLATILE AS
$fn$ SELECT clock_timestamp() + p_ttl_ms * interval '1 millisecond' $fn$;

-- Lock: free, expired, or already ours (re-entrant extend).
CREATE FUNCTION xbot_try_lock(p_key text, p_owner text, p_ttl_ms bigint) RETURNS boolean LANGUAGE sql AS $fn$
  WITH up AS (
    INSERT INTO xbot_kv AS kv (key, owner, expires_at) VALUES (p_key, p_owner, xbot_expiry(p_ttl_ms))
    ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at, value = NULL, n = 0
      WHERE kv.expires_at <= clock_timestamp() OR kv.owner = EXCLUDED.owner
    RETURNING 1)
  SELECT EXISTS (SELECT 1 FROM up)
$fn$;

-- Once-only key: true only for the first caller within the TTL (never re-entrant).
CREATE FUNCTION xbot_try_once(p_key text, p_owner text, p_ttl_ms bigint) RETURNS boolean LANGUAGE sql AS $fn$
  WITH up AS (
    INSERT INTO xbot_kv AS kv (key, owner, expires_at) VALUES (p_key, p_owner, xbot_expiry(p_ttl_ms))
    ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at, value = NULL, n = 0
      WHERE kv.expires_at <= clock_timestamp()
    RETURNING 1)
  SELECT EXISTS (SELECT 1 FROM up)
$fn$;

CREATE FUNCTION xbot_lease_acquire(p_resource text, p_holder text, p_slots int, p_ttl_ms bigint) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE used int;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(p_resource, 0));
  DELETE FROM xbot_leases WHERE resource = p_resource AND expires_at <= clock_timestamp();
  UPDATE xbot_leases SET expires_at = xbot_expiry(p_ttl_ms) WHERE resource = p_resource AND holder = p_holder;
  IF FOUND THEN
    SELECT count(*) INTO used FROM xbot_leases WHERE resource = p_resource;
    RETURN jsonb_build_object('success', true, 'used', used, 'slots', p_slots);
  END IF;
  SELECT count(*) INTO used FROM xbot_leases WHERE resource = p_resource;
  IF used >= p_slots THEN
    RETURN jsonb_build_object('success', false, 'used', used, 'slots', p_slots);
  END IF;
  INSERT INTO xbot_leases (resource, holder, expires_at) VALUES (p_resource, p_holder, xbot_expiry(p_ttl_ms));
  RETURN jsonb_build_object('success', true, 'used', used + 1, 'slots', p_slots);
END $fn$;

CREATE FUNCTION xbot_cooldown(p_policy jsonb, p_opens int) RETURNS bigint LANGUAGE sql IMMUTABLE AS $fn$
  SELECT coalesce((p_policy -> 'cooldownsMs' ->> (least(greatest(p_opens, 1), jsonb_array_length(p_policy -> 'cooldownsMs')) - 1))::bigint, 60000)
$fn$;

-- The breaker transition; the same as breaker_next in lib/state/lua.ts (the contract suite holds both to it).
CREATE FUNCTION xbot_breaker_next(p_rec jsonb, p_ok boolean, p_trial boolean, p_policy jsonb, p_now_ms bigint) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE st text := coalesce(p_rec ->> 'state', 'closed');
        f int := coalesce((p_rec ->> 'failures')::int, 0);
        o int := coalesce((p_rec ->> 'opens')::int, 0);
        closed jsonb := '{"state":"closed","failures":0,"opens":0}';
BEGIN
  IF st = 'isolated' THEN RETURN p_rec; END IF;
  IF st = 'open' THEN
    IF NOT p_trial THEN RETURN p_rec; END IF;
    IF p_ok THEN RETURN closed; END IF;
    RETURN jsonb_build_object('state', 'open', 'failures', f + 1, 'opens', o + 1, 'openedAtMs', p_now_ms, 'retryAtMs', p_now_ms + xbot_cooldown(p_policy, o + 1));
  END IF;
  IF p_ok THEN RETURN closed; END IF;
  IF f + 1 < (p_policy ->> 'threshold')::int THEN
    RETURN jsonb_build_object('state', 'closed', 'failures', f + 1, 'opens', 0);
  END IF;
  RETURN jsonb_build_object('state', 'open', 'failures', f + 1, 'opens', 1, 'openedAtMs', p_now_ms, 'retryAtMs', p_now_ms + xbot_cooldown(p_policy, 1));
END $fn$;

CREATE FUNCTION xbot_breaker_record(p_key text, p_trial_key text, p_ok boolean, p_trial boolean, p_policy jsonb, p_now_ms bigint) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE rec jsonb; nxt jsonb;
BEGIN
  SELECT value INTO rec FROM xbot_kv WHERE key = p_key FOR UPDATE;
  IF NOT FOUND AND NOT p_ok THEN
    INSERT INTO xbot_kv (key, value) VALUES (p_key, '{"state":"closed","failures":0,"opens":0}') ON CONFLICT (key) DO NOTHING;
    SELECT value INTO rec FROM xbot_kv WHERE key = p_key FOR UPDATE;
  END IF;
  rec := coalesce(rec, '{"state":"closed","failures":0,"opens":0}');
  nxt := xbot_breaker_next(rec, p_ok, p_trial, p_policy, p_now_ms);
  IF nxt IS DISTINCT FROM rec THEN UPDATE xbot_kv SET value = nxt WHERE key = p_key; END IF;
  IF p_trial THEN DELETE FROM xbot_kv WHERE key = p_trial_key; END IF;
  RETURN nxt;
END $fn$;

-- May the caller pass the breaker? Closed: yes. Cooling or isolated: no. Cooled: ONE trial.
CREATE FUNCTION xbot_breaker_trial(p_key text, p_trial_key text, p_holder text, p_now_ms bigint, p_ttl_ms bigint) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE rec jsonb := coalesce((SELECT value FROM xbot_kv WHERE key = p_key), '{"state":"closed","failures":0,"opens":0}');
BEGIN
  IF rec ->> 'state' = 'closed' THEN RETURN jsonb_build_object('success', true, 'trial', false, 'breaker', rec); END IF;
  IF rec ->> 'state' = 'isolated' THEN RETURN jsonb_build_object('success', false, 'trial', false, 'reason', 'isolated', 'breaker', rec); END IF;
  IF p_now_ms < (rec ->> 'retryAtMs')::bigint THEN RETURN jsonb_build_object('success', false, 'trial', false, 'reason', 'open', 'breaker', rec); END IF;
  IF xbot_try_once(p_trial_key, p_holder, p_ttl_ms) THEN RETURN jsonb_build_object('success', true, 'trial', true, 'breaker', rec); END IF;
  RETURN jsonb_build_object('success', false, 'trial', false, 'reason', 'trial_in_progress', 'breaker', rec);
END $fn$;

CREATE FUNCTION xbot_counter_incr(p_key text, p_by bigint, p_window_ms bigint) RETURNS bigint LANGUAGE sql AS $fn$
  INSERT INTO xbot_kv AS kv (key, n, expires_at) VALUES (p_key, p_by, xbot_expiry(p_window_ms))
  ON CONFLICT (key) DO UPDATE SET
    n = CASE WHEN kv.expires_at <= clock_timestamp() THEN EXCLUDED.n ELSE kv.n + EXCLUDED.n END,
    expires_at = CASE WHEN kv.expires_at <= clock_timestamp() THEN EXCLUDED.expires_at ELSE kv.expires_at END
  RETURNING n
$fn$;
