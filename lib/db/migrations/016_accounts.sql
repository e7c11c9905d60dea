-- Issue 16: accounts as data. One row per X account this deployment runs. With no row, the
-- deployment is the single env account (XBOT_ACCOUNT_ID, default "default") and nothing changes.
-- `settings` holds the account's validated overrides of the env configuration
-- (lib/content/account-settings.ts); `egress_enc` its proxy URL / remote browser endpoint,
-- encrypted under XBOT_SESSION_KEY like the X session (never stored or shown in clear).
CREATE TABLE IF NOT EXISTS accounts (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
  handle text NOT NULL UNIQUE,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  egress_enc text NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
