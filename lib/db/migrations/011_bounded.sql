-- Cost that does not grow with history: every hot query reads a time window or a LIMIT
-- through one of these indexes (tests/integration/db-bounded.test.ts holds the plans to it),
-- retention deletes through the *_age indexes, and a small daily rollup keeps what the
-- dashboard's chart needs once raw rows are gone.

-- replies: the window of new candidates; the replies of the last day by item.
CREATE INDEX IF NOT EXISTS reply_candidates_open ON reply_candidates (account_id, status, created_at);
CREATE INDEX IF NOT EXISTS reply_candidates_item ON reply_candidates (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS posts_kind ON posts (account_id, kind, posted_at);
CREATE INDEX IF NOT EXISTS posts_item ON posts (item_id) WHERE item_id IS NOT NULL;

-- runs: the latest runs of all jobs; the latest failure; retention by age.
CREATE INDEX IF NOT EXISTS job_runs_started ON job_runs (started_at DESC);
CREATE INDEX IF NOT EXISTS job_runs_failed ON job_runs (account_id, ended_at DESC) WHERE status = 'failed';

-- learn: only first tweets of our own posts are ever scored (thread tails and ghosts never are).
DROP INDEX IF EXISTS posts_unscored;
CREATE INDEX posts_unscored ON posts (account_id, posted_at, id) WHERE scored_at IS NULL AND position = 0 AND origin IN ('bot', 'reconciled');

-- health: vanished receipts of the last days; attempts still open.
CREATE INDEX IF NOT EXISTS posts_vanished ON posts (account_id, vanished_at) WHERE vanished_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS post_attempts_open ON post_attempts (account_id, lease_until) WHERE status = 'open';

-- queue: the list (newest due first, by status or not), posted-at windows, recent terminal counts.
CREATE INDEX IF NOT EXISTS content_items_list ON content_items (account_id, due_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS content_items_status_list ON content_items (account_id, status, due_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS content_items_posted ON content_items (account_id, posted_at) WHERE posted_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS content_items_hash ON content_items (account_id, content_hash);
CREATE INDEX IF NOT EXISTS content_items_updated ON content_items (account_id, status, updated_at);

-- retention by age.
CREATE INDEX IF NOT EXISTS metric_snapshots_age ON metric_snapshots (taken_at);
CREATE INDEX IF NOT EXISTS follower_snapshots_age ON follower_snapshots (taken_at);
CREATE INDEX IF NOT EXISTS reply_candidates_age ON reply_candidates (created_at);
CREATE INDEX IF NOT EXISTS artifacts_age ON artifacts (created_at);

-- The dashboard's daily aggregates of days whose raw rows retention may remove. A day is
-- written once, by heal, from the same query the chart uses, before any of its rows go.
CREATE TABLE IF NOT EXISTS engagement_daily (
  account_id  text   NOT NULL,
  day         date   NOT NULL,
  posts       int    NOT NULL,
  likes       bigint NOT NULL,
  replies     bigint NOT NULL,
  reposts     bigint NOT NULL,
  views       bigint NOT NULL,
  followers   int,
  PRIMARY KEY (account_id, day)
);

-- The duplicate gate's shingles, computed once per text when it is stored (lib/content/similarity.ts):
-- sorted 32-bit hashes of the word bigrams. NULL on rows written before this migration (computed on read).
ALTER TABLE posts ADD COLUMN IF NOT EXISTS shingles int[];
ALTER TABLE content_items ADD COLUMN IF NOT EXISTS shingles jsonb;
