-- Incidents (lib/runtime/incidents.ts): one row per problem, however many runs see it. A
-- problem is named by its dedupe key; at most one OPEN incident per key. `sent` records the
-- alert deliveries done, as {"<stage>:<target>": "<iso time>"} (stage: open, remind<N>, resolve).
CREATE TABLE IF NOT EXISTS incidents (
  id bigserial PRIMARY KEY,
  account_id text NOT NULL,
  dedupe_key text NOT NULL,
  kind text NOT NULL,
  subject text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('error', 'warn', 'info')),
  message text NOT NULL,
  fix text NOT NULL,
  source_run text,
  source_item text,
  opened_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  resolved_at timestamptz,
  sent jsonb NOT NULL DEFAULT '{}'::jsonb,
  delivery_error text,
  delivery_error_at timestamptz,
  delivery_claim_until timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS incidents_open_key ON incidents (account_id, dedupe_key) WHERE resolved_at IS NULL;
CREATE INDEX IF NOT EXISTS incidents_recent ON incidents (account_id, opened_at DESC);
