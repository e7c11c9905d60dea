-- Postgres StateStore. Every operation is ONE statement or ONE function call, so it is one
-- round trip over Neon's HTTP protocol and atomic. Keys arrive fully built (lib/state/keys.ts).

CREATE TABLE xbot_kv (
  key        text PRIMARY KEY,
  owner      text,
  value      jsonb,
  n          bigint NOT NULL DEFAULT 0,
  expires_at timestamptz
);
CREATE INDEX xbot_kv_prefix ON xbot_kv (key text_pattern_ops);
CREATE INDEX xbot_kv_expiry ON xbot_kv (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE xbot_leases (
  resource   text NOT NULL,
  holder     text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (resource, holder)
);

-- Functions live in lib/db/migrations/functions/ (one file each, applied after the migrations, CREATE OR REPLACE).
