-- Media library (images with required alt text) and media / quote posts.

-- One image an operator added: validated by its content (magic bytes + a real decode) and
-- stored without EXIF/GPS metadata. `content_hash` is the sha256 of the stored bytes.
CREATE TABLE IF NOT EXISTS media (
  id            bigserial PRIMARY KEY,
  account_id    text        NOT NULL DEFAULT 'default',
  content_hash  text        NOT NULL,
  mime          text        NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'image/webp', 'image/gif')),
  width         int         NOT NULL CHECK (width > 0),
  height        int         NOT NULL CHECK (height > 0),
  size_bytes    int         NOT NULL CHECK (size_bytes > 0),
  bytes         bytea       NOT NULL,
  alt_text      text        NOT NULL CHECK (length(btrim(alt_text)) BETWEEN 1 AND 1000),
  tags          text[]      NOT NULL DEFAULT '{}',
  thumb         bytea       NOT NULL,  -- WebP, at most 160 px a side, made when the image is added
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, content_hash)
);
CREATE INDEX IF NOT EXISTS media_tags ON media USING gin (tags);

-- Per tweet of an item, the media ids it carries (an array of arrays, at most 4 each; [] = none).
ALTER TABLE content_items ADD COLUMN IF NOT EXISTS media jsonb NOT NULL DEFAULT '[]'
  CHECK (jsonb_typeof(media) = 'array');
-- A quote post: the id of the quoted tweet (x.com's CreateTweet `attachment_url`).
ALTER TABLE content_items ADD COLUMN IF NOT EXISTS quote_of text CHECK (quote_of ~ '^[0-9]{1,20}$');
