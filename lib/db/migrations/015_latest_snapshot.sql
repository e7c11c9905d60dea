-- Issue 19: the latest snapshot of a post, read per post by the dashboard's engagement series
-- (one LATERAL per post of the 30-day window: ~4,000 at the bot's pace) and its recent posts.
-- The unique (account_id, tweet_id, age_bucket) index finds a post's snapshots but not in
-- taken_at order, so every probe sorted them and read the heap. This one is in that order and
-- carries the chart's columns: each probe is one index-only step (LIMIT 1, no sort).
CREATE INDEX IF NOT EXISTS metric_snapshots_latest ON metric_snapshots (account_id, tweet_id, taken_at DESC) INCLUDE (likes, replies, reposts, views);

-- The runner's incident review reads the last run of each job that was not skipped after every
-- run; DISTINCT ON over job_runs read all of them (~490k at two years). A skip scan of this
-- partial index reads one probe per job name and one per job's latest run.
CREATE INDEX IF NOT EXISTS job_runs_decided ON job_runs (account_id, job, started_at DESC) WHERE status <> 'skipped';
