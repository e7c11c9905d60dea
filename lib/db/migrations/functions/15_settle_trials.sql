-- xbot_settle_trials: defined by migration 004; this is its one current source.
CREATE OR REPLACE FUNCTION xbot_settle_trials(r jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM xbot_kv WHERE owner = r ->> 'owner' AND key IN (SELECT jsonb_array_elements_text(coalesce(r -> 'releaseTrials', '[]')));
  PERFORM xbot_settle(r);
END $fn$;
