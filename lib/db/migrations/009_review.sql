-- Content and account safety: items held for an operator's review, what the gates and the
-- safety check said about each item and reply candidate, and every review decision.

-- 'review': waiting for a person (XBOT_REVIEW, or an unsafe/failed safety check). The post
-- job never claims it; approve makes it 'queued', reject or expiry makes it 'cancelled'.
-- It is live content: the same text cannot be queued again meanwhile.
ALTER TABLE content_items DROP CONSTRAINT IF EXISTS content_items_status_check;
ALTER TABLE content_items ADD CONSTRAINT content_items_status_check
  CHECK (status IN ('queued', 'review', 'posting', 'posted', 'partial', 'failed', 'cancelled'));
DROP INDEX IF EXISTS content_items_live_hash;
CREATE UNIQUE INDEX content_items_live_hash ON content_items (account_id, content_hash) WHERE status IN ('queued', 'review', 'posting', 'partial');
-- checks: { rules: "passed", safety?: { verdict, reason, costUsd } }; review_until: when a
-- held item expires; origin: what it answers or came from (a reply's target text and author).
ALTER TABLE content_items ADD COLUMN IF NOT EXISTS checks jsonb;
ALTER TABLE content_items ADD COLUMN IF NOT EXISTS review_until timestamptz;
ALTER TABLE content_items ADD COLUMN IF NOT EXISTS origin jsonb;
CREATE INDEX IF NOT EXISTS content_items_review ON content_items (account_id, review_until) WHERE status = 'review';

-- The gate verdicts of a reply candidate (its target screening and its reply's checks).
ALTER TABLE reply_candidates ADD COLUMN IF NOT EXISTS checks jsonb;

-- One row per review decision, with who or what made it (cli:<user>, api, dashboard, system:expiry).
CREATE TABLE IF NOT EXISTS review_decisions (
  id          bigserial   PRIMARY KEY,
  account_id  text        NOT NULL DEFAULT 'default',
  item_id     bigint      NOT NULL REFERENCES content_items (id),
  decision    text        NOT NULL CHECK (decision IN ('held', 'approve', 'edit', 'reject', 'expire')),
  actor       text        NOT NULL,
  reason      text,
  before      jsonb,
  after       jsonb,
  decided_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS review_decisions_item ON review_decisions (item_id, decided_at);
