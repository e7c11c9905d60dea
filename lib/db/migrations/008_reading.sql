-- Reading X honestly (GraphQL first, DOM fallback) and threads that can be cut short.

-- A counter X did not show is NULL, never a made-up 0; each snapshot says where it came from
-- ('graphql' exact, 'dom' rendered) and which counters were only approximate ("8.4K").
ALTER TABLE metric_snapshots ALTER COLUMN likes DROP NOT NULL;
ALTER TABLE metric_snapshots ALTER COLUMN replies DROP NOT NULL;
ALTER TABLE metric_snapshots ALTER COLUMN reposts DROP NOT NULL;
ALTER TABLE metric_snapshots ALTER COLUMN bookmarks DROP NOT NULL;
ALTER TABLE metric_snapshots ALTER COLUMN views DROP NOT NULL;
ALTER TABLE metric_snapshots ADD COLUMN IF NOT EXISTS source text NOT NULL DEFAULT 'dom' CHECK (source IN ('graphql', 'dom'));
ALTER TABLE metric_snapshots ADD COLUMN IF NOT EXISTS approximate jsonb NOT NULL DEFAULT '[]';

-- 'partial': a thread whose first tweets are on X and whose later ones are not. It keeps the
-- receipts it has; the post job finishes it (the missing tweets as replies, in order) or the
-- operator cancels it. It is live content: the same text cannot be queued again meanwhile.
ALTER TABLE content_items DROP CONSTRAINT IF EXISTS content_items_status_check;
ALTER TABLE content_items ADD CONSTRAINT content_items_status_check
  CHECK (status IN ('queued', 'posting', 'posted', 'partial', 'failed', 'cancelled'));
DROP INDEX IF EXISTS content_items_live_hash;
CREATE UNIQUE INDEX content_items_live_hash ON content_items (account_id, content_hash) WHERE status IN ('queued', 'posting', 'partial');

-- A receipt whose tweet a good read of X no longer shows (CreateTweet gave an id, the post
-- vanished): reconcile sets vanished_at, and health and the dashboard show it.
ALTER TABLE posts ADD COLUMN IF NOT EXISTS vanished_at timestamptz;

-- An attempt that left a thread partial: resolved (what is on X is recorded), not succeeded.
ALTER TABLE post_attempts DROP CONSTRAINT IF EXISTS post_attempts_status_check;
ALTER TABLE post_attempts ADD CONSTRAINT post_attempts_status_check CHECK (status IN ('open', 'succeeded', 'partial', 'failed', 'not_found'));
