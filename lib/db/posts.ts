/**
 * posts: receipts of tweets on X. The receipt of a claimed item is ONE transaction: the
 * attempt succeeds, one row per tweet is inserted, the item becomes posted. Caps are
 * counted here, from posts plus attempts still open (they may have posted).
 */
import type { PostingStats } from "../posting/caps.js";
import type { QueueItem } from "./queue.js";
import type { Sql } from "./sql.js";

/** A tweet xbot knows is on X. */
export interface PostRow {
  readonly tweetId: string;
  readonly itemId: string | null;
  readonly kind: string;
  readonly text: string;
  readonly origin: "bot" | "reconciled" | "ghost";
  readonly postedAt: Date;
}

/** Records the receipt of an item's attempt. Idempotent: a second call changes nothing. */
export async function recordReceipt(sql: Sql, item: QueueItem, receipt: { attemptId: string; tweetIds: readonly string[]; postedAt: Date; origin: "bot" | "reconciled" }): Promise<void> {
  const [root] = receipt.tweetIds;
  const at = receipt.postedAt.toISOString();
  const rows = receipt.tweetIds.map((tweetId, position) => ({
    text: `INSERT INTO posts (account_id, tweet_id, item_id, attempt_id, kind, position, thread_root, in_reply_to, text, origin, posted_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (account_id, tweet_id) DO NOTHING`,
    params: [item.accountId, tweetId, item.id, receipt.attemptId, item.kind, position, root, position === 0 ? item.inReplyTo : receipt.tweetIds[position - 1],
      item.tweets[position] ?? "", receipt.origin, at],
  }));
  await sql.transaction([
    { text: "UPDATE post_attempts SET status = 'succeeded', tweet_ids = $2::jsonb, finished_at = $3 WHERE id = $1 AND status = 'open'", params: [receipt.attemptId, JSON.stringify(receipt.tweetIds), at] },
    ...rows,
    { text: "UPDATE content_items SET status = 'posted', tweet_id = $2, posted_at = $3, claimed_by = NULL, updated_at = $3 WHERE id = $1 AND status = 'posting'", params: [item.id, root, at] },
  ]);
}

/** Records a tweet found on X that the database never knew (a ghost). */
export async function recordGhost(sql: Sql, accountId: string, tweet: { id: string; text: string; time: Date | null }, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO posts (account_id, tweet_id, kind, text, origin, posted_at) VALUES ($1, $2, 'single', $3, 'ghost', $4)
     ON CONFLICT (account_id, tweet_id) DO NOTHING RETURNING 1`,
    [accountId, tweet.id, tweet.text, (tweet.time ?? now).toISOString()],
  );
  return rows.length === 1;
}

/** Which of these tweet ids the database already has. */
export async function knownTweetIds(sql: Sql, accountId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql.query<{ tweet_id: string }>("SELECT tweet_id FROM posts WHERE account_id = $1 AND tweet_id = ANY($2::text[])", [accountId, ids]);
  return new Set(rows.map((r) => r.tweet_id));
}

/** The time of the account's first receipt, or null. */
export async function firstPostAt(sql: Sql, accountId: string): Promise<Date | null> {
  const rows = await sql.query<{ at: Date | null }>("SELECT min(posted_at) AS at FROM posts WHERE account_id = $1 AND origin <> 'ghost'", [accountId]);
  return rows[0]?.at ?? null;
}

/** Activity at `now` for the caps: posts (all origins; X sees them all) plus open attempts. */
export async function postingStats(sql: Sql, accountId: string, now: Date): Promise<PostingStats> {
  const rows = await sql.query<Record<string, number | Date | null>>(
    `WITH acts AS (
       SELECT p.kind, p.posted_at AS at FROM posts p WHERE p.account_id = $1 AND p.position = 0 AND p.posted_at <= $2
       UNION ALL
       SELECT i.kind, a.started_at FROM post_attempts a JOIN content_items i ON i.id = a.item_id WHERE a.account_id = $1 AND a.status = 'open')
     SELECT
       count(*) FILTER (WHERE kind <> 'reply' AND at > $2::timestamptz - interval '1 hour')::int AS "postsLastHour",
       count(*) FILTER (WHERE kind = 'thread' AND at > $2::timestamptz - interval '1 hour')::int AS "threadsLastHour",
       count(*) FILTER (WHERE kind = 'thread' AND at > $2::timestamptz - interval '1 day')::int AS "threadsLastDay",
       count(*) FILTER (WHERE kind = 'reply' AND at > $2::timestamptz - interval '1 hour')::int AS "repliesLastHour",
       count(*) FILTER (WHERE at > $2::timestamptz - interval '1 day')::int AS "actionsLastDay",
       max(at) FILTER (WHERE kind <> 'reply') AS "lastPostAt",
       max(at) FILTER (WHERE kind = 'reply') AS "lastReplyAt",
       min(at) AS "firstActionAt"
     FROM acts`,
    [accountId, now.toISOString()],
  );
  return rows[0] as unknown as PostingStats;
}

/** Texts of recent posts and live queue items (for the duplicate gate). */
export async function recentTexts(sql: Sql, accountId: string, limit = 200): Promise<string[]> {
  const rows = await sql.query<{ text: string }>(
    `(SELECT text FROM posts WHERE account_id = $1 ORDER BY posted_at DESC LIMIT $2)
     UNION ALL (SELECT t FROM content_items, jsonb_array_elements_text(tweets) t WHERE account_id = $1 AND status IN ('queued', 'posting'))`,
    [accountId, limit],
  );
  return rows.map((r) => r.text);
}
