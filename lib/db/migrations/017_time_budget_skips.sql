-- Issue 16: /api/status and doctor count the fan-out's `time budget` skips of the last day
-- (lib/db/runs.ts timeBudgetSkips) to say when QStash is needed. Without an index that reads a
-- day of job_runs (~672 rows per account: ~672k at 1,000 accounts); these rows are rare.
CREATE INDEX IF NOT EXISTS job_runs_time_budget ON job_runs (started_at) WHERE status = 'skipped' AND reason = 'time budget';
