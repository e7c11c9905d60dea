-- xbot schema. Every row that belongs to an X account carries account_id.

-- Content queue. Lifecycle: queued -> posting -> posted | queued (requeued by reconcile) | failed;
-- queued -> cancelled by the operator. 'posting' is only left by the poster's receipt or by reconcile.
CREATE TABLE content_items (
  id            bigserial PRIMARY KEY,
  account_id    text        NOT NULL DEFAULT 'default',
  kind          text        NOT NULL CHECK (kind IN ('single', 'thread', 'reply')),
  status        text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'posting', 'posted', 'failed', 'cancelled')),
  tweets        jsonb       NOT NULL CHECK (jsonb_typeof(tweets) = 'array' AND jsonb_array_length(tweets) BETWEEN 1 AND 25),
  content_hash  text        NOT NULL,
  source        text        NOT NULL DEFAULT 'manual' CHECK (source IN ('llm', 'evergreen', 'manual')),
  topic         text,
  format        text,
  hour_bucket   int         CHECK (hour_bucket BETWEEN 0 AND 23),
  arm_id        text,
  in_reply_to   text,
  due_at        timestamptz NOT NULL DEFAULT now(),
  attempts      int         NOT NULL DEFAULT 0,
  max_attempts  int         NOT NULL DEFAULT 3,
  claimed_by    text,
  claimed_at    timestamptz,
  tweet_id      text,
  posted_at     timestamptz,
  reason        text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX content_items_due ON content_items (account_id, status, due_at);
-- The same content can never be queued or in flight twice.
CREATE UNIQUE INDEX content_items_live_hash ON content_items (account_id, content_hash) WHERE status IN ('queued', 'posting');

-- One row per try at X, written BEFORE touching X. An open attempt is resolved only by reconcile.
CREATE TABLE post_attempts (
  id            bigserial PRIMARY KEY,
  account_id    text        NOT NULL DEFAULT 'default',
  item_id       bigint      NOT NULL REFERENCES content_items (id),
  attempt_no    int         NOT NULL,
  run_id        text        NOT NULL,
  mode          text        NOT NULL CHECK (mode IN ('live', 'dry', 'shadow')),
  status        text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'succeeded', 'failed', 'not_found')),
  content_hash  text        NOT NULL,
  tweet_ids     jsonb       NOT NULL DEFAULT '[]',
  lease_until   timestamptz NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  error_code    text,
  error_message text,
  UNIQUE (item_id, attempt_no)
);
CREATE UNIQUE INDEX post_attempts_one_open ON post_attempts (item_id) WHERE status = 'open';

-- Receipts: one row per tweet xbot knows is on X (its own posts, reconciled ones, and ghosts).
CREATE TABLE posts (
  id            bigserial PRIMARY KEY,
  account_id    text        NOT NULL DEFAULT 'default',
  tweet_id      text        NOT NULL CHECK (tweet_id ~ '^[0-9]{1,20}$'),
  item_id       bigint      REFERENCES content_items (id),
  attempt_id    bigint      REFERENCES post_attempts (id),
  kind          text        NOT NULL CHECK (kind IN ('single', 'thread', 'reply')),
  position      int         NOT NULL DEFAULT 0,
  thread_root   text,
  in_reply_to   text,
  text          text        NOT NULL,
  origin        text        NOT NULL DEFAULT 'bot' CHECK (origin IN ('bot', 'reconciled', 'ghost')),
  posted_at     timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz,
  UNIQUE (account_id, tweet_id)
);
CREATE INDEX posts_recent ON posts (account_id, posted_at DESC);

CREATE TABLE metric_snapshots (
  id            bigserial PRIMARY KEY,
  account_id    text        NOT NULL DEFAULT 'default',
  tweet_id      text        NOT NULL,
  age_bucket    text        NOT NULL CHECK (age_bucket IN ('1h', '24h', '7d')),
  likes         int         NOT NULL,
  replies       int         NOT NULL,
  reposts       int         NOT NULL,
  bookmarks     int         NOT NULL,
  views         int         NOT NULL,
  taken_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, tweet_id, age_bucket)
);

CREATE TABLE follower_snapshots (
  id            bigserial PRIMARY KEY,
  account_id    text        NOT NULL DEFAULT 'default',
  followers     int         NOT NULL CHECK (followers >= 0),
  taken_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX follower_snapshots_recent ON follower_snapshots (account_id, taken_at DESC);

CREATE TABLE reply_candidates (
  id            bigserial PRIMARY KEY,
  account_id    text        NOT NULL DEFAULT 'default',
  tweet_id      text        NOT NULL,
  author        text        NOT NULL,
  text          text        NOT NULL,
  tweet_time    timestamptz,
  source        text        NOT NULL CHECK (source IN ('mention', 'curated')),
  score         double precision NOT NULL DEFAULT 0,
  status        text        NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'queued', 'replied', 'skipped')),
  reason        text,
  item_id       bigint      REFERENCES content_items (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, tweet_id)
);

-- Beta posteriors of topic x format x hour-bucket arms.
CREATE TABLE bandit_arms (
  account_id    text        NOT NULL DEFAULT 'default',
  arm_id        text        NOT NULL,
  topic         text        NOT NULL,
  format        text        NOT NULL,
  hour_bucket   int         NOT NULL CHECK (hour_bucket BETWEEN 0 AND 23),
  alpha         double precision NOT NULL DEFAULT 1,
  beta          double precision NOT NULL DEFAULT 1,
  pulls         int         NOT NULL DEFAULT 0,
  reward_sum    double precision NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, arm_id)
);

CREATE TABLE job_runs (
  id            text        PRIMARY KEY,
  account_id    text        NOT NULL DEFAULT 'default',
  job           text        NOT NULL,
  trigger       text        NOT NULL CHECK (trigger IN ('cron', 'manual', 'queue', 'local')),
  mode          text        NOT NULL CHECK (mode IN ('live', 'dry', 'shadow')),
  status        text        NOT NULL CHECK (status IN ('ok', 'skipped', 'failed')),
  reason        text,
  error_code    text,
  summary       jsonb       NOT NULL DEFAULT '{}',
  artifact_id   text,
  started_at    timestamptz NOT NULL,
  ended_at      timestamptz NOT NULL
);
CREATE INDEX job_runs_recent ON job_runs (job, started_at DESC);

-- Failure artifacts (screenshot + trimmed HTML), size-capped by the writer.
CREATE TABLE artifacts (
  id            text        PRIMARY KEY,
  run_id        text,
  operation     text        NOT NULL,
  url           text,
  error         text,
  screenshot    bytea,
  html          text,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- The X session, encrypted at rest (AES-256-GCM with XBOT_SESSION_KEY).
CREATE TABLE x_sessions (
  account_id    text        PRIMARY KEY,
  blob          text        NOT NULL,
  username      text,
  validated_at  timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
