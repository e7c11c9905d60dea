-- xbot_lease_acquire: defined by migration 002; this is its one current source.
CREATE OR REPLACE FUNCTION xbot_lease_acquire(p_resource text, p_holder text, p_slots int, p_ttl_ms bigint) RETURNS jsonb LANGUAGE plpgsql AS $fn$
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
