-- Metric snapshots read through the X API v2 (GET /2/tweets public_metrics, exact) say so:
-- source 'api' next to 'graphql' and 'dom' (008).
ALTER TABLE metric_snapshots DROP CONSTRAINT IF EXISTS metric_snapshots_source_check;
ALTER TABLE metric_snapshots ADD CONSTRAINT metric_snapshots_source_check CHECK (source IN ('graphql', 'dom', 'api'));
