-- xbot_refuse: defined by migration 003; this is its one current source.
CREATE OR REPLACE FUNCTION xbot_refuse(p_refusal jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'XB001', MESSAGE = (jsonb_build_object('success', false) || p_refusal)::text;
END $fn$;
