/**
 * The reply_candidates table: tweets we might answer, one row per tweet (a tweet seen twice is
 * stored once), with its score and status (new, queued with its item, skipped with why).
 * lib/replies/candidates.ts scores and screens them; this module stores and picks them.
 */
import type { Sql } from "./sql.js";

/** A stored candidate. */
export interface ReplyCandidate {
  readonly id: string;
  readonly tweetId: string;
  readonly author: string;
  readonly text: string;
  readonly score: number;
}

/** A candidate to store: the tweet and its screened score. */
export interface NewCandidate {
  readonly tweetId: string;
  readonly author: string;
  readonly text: string;
  readonly time: Date | null;
  readonly source: string;
  readonly score: number;
  readonly status: string;
  readonly reason: string | null;
}

/** Stores new candidates in ONE statement (a tweet already seen is never stored again). Returns how many were new. */
export async function insertCandidates(sql: Sql, accountId: string, now: Date, rows: readonly NewCandidate[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await sql.query(
    `INSERT INTO reply_candidates (account_id, tweet_id, author, text, tweet_time, source, score, status, reason, created_at)
     SELECT $1, t.tweet_id, t.author, t.text, t.tweet_time, t.source, t.score, t.status, t.reason, $2
     FROM unnest($3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::float8[], $9::text[], $10::text[])
       WITH ORDINALITY AS t(tweet_id, author, text, tweet_time, source, score, status, reason, n)
     ORDER BY t.n
     ON CONFLICT (account_id, tweet_id) DO NOTHING RETURNING 1`,
    [
      accountId,
      now.toISOString(),
      rows.map((r) => r.tweetId),
      rows.map((r) => r.author),
      rows.map((r) => r.text),
      rows.map((r) => r.time?.toISOString() ?? null),
      rows.map((r) => r.source),
      rows.map((r) => r.score),
      rows.map((r) => r.status),
      rows.map((r) => r.reason),
    ],
  );
  return inserted.length;
}

/**
 * The best new candidate whose author we have not answered `perAuthorPerDay` times in the last
 * day. Bounded: the last 2 days of new candidates (reply_candidates_open) and the last day's
 * replies (posts_kind) with their candidates (reply_candidates_item), counted once per author.
 */
export async function bestCandidate(sql: Sql, accountId: string, now: Date, perAuthorPerDay: number): Promise<ReplyCandidate | null> {
  const rows = await sql.query<ReplyCandidate>(
    `WITH answered AS (
       SELECT lower(r.author) AS author, count(*) AS n FROM posts p JOIN reply_candidates r ON r.item_id = p.item_id AND r.account_id = $1
       WHERE p.account_id = $1 AND p.kind = 'reply' AND p.posted_at > $2::timestamptz - interval '1 day' AND p.item_id IS NOT NULL
       GROUP BY 1)
     SELECT c.id::text, c.tweet_id AS "tweetId", c.author, c.text, c.score FROM reply_candidates c
     LEFT JOIN answered a ON a.author = lower(c.author)
     WHERE c.account_id = $1 AND c.status = 'new' AND c.created_at > $2::timestamptz - interval '2 days' AND coalesce(a.n, 0) < $3
     ORDER BY c.score DESC, c.created_at LIMIT 1`,
    [accountId, now.toISOString(), perAuthorPerDay],
  );
  return rows[0] ?? null;
}

/** Marks a candidate queued (with its item) or skipped (with why). */
export async function markCandidate(sql: Sql, id: string, update: { status: "queued"; itemId: string } | { status: "skipped"; reason: string }): Promise<void> {
  await sql.query("UPDATE reply_candidates SET status = $2, item_id = $3, reason = $4 WHERE id = $1", [
    id,
    update.status,
    update.status === "queued" ? update.itemId : null,
    update.status === "skipped" ? update.reason : null,
  ]);
}
