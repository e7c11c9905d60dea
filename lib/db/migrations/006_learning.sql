-- Metrics back-off and learning bookkeeping on posts (owned by the metrics and learn jobs).

-- metrics: consecutive failed reads of a post and when it may be read again (exponential back-off).
ALTER TABLE posts ADD COLUMN IF NOT EXISTS metrics_failures int NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN IF NOT EXISTS metrics_retry_at timestamptz;

-- learn: a post's reward is applied to its arm exactly once; scored_at marks it (set in the
-- same statement as the arm update, so a re-run never counts a post twice).
ALTER TABLE posts ADD COLUMN IF NOT EXISTS scored_at timestamptz;
ALTER TABLE posts ADD COLUMN IF NOT EXISTS reward double precision;
ALTER TABLE posts ADD COLUMN IF NOT EXISTS reward_raw double precision;
ALTER TABLE posts ADD COLUMN IF NOT EXISTS scored_arm_id text;

-- Posts still waiting for a score (the learn job's scan).
CREATE INDEX IF NOT EXISTS posts_unscored ON posts (account_id, posted_at) WHERE scored_at IS NULL;

