-- OAuth 2.0 user tokens of the X API, one row per account, sealed with XBOT_SESSION_KEY like
-- the session. `version` makes each rotation a compare-and-swap (lib/db/oauth2-tokens.ts).
CREATE TABLE IF NOT EXISTS x_oauth2_tokens (
  account_id text PRIMARY KEY,
  blob       text NOT NULL,
  version    integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Functions live in lib/db/migrations/functions/ (one file each, applied after the migrations, CREATE OR REPLACE).
