/**
 * posts: receipts of tweets on X. The receipt of a claimed item is ONE transaction: the
 * attempt succeeds, one row per tweet is inserted, the item becomes posted. Caps are
 * counted here, from posts plus attempts still open (they may have posted).
 */
import type { QueueItem } from "./queue.js";
import { shingleHashes, type StoredText } from "./shingles.js";
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

/** Where a receipt's ids continue an item's thread (a partial thread being finished). */
export interface ReceiptStart {
  /** Position of the first id in the item's thread. */
  readonly position: number;
  /** The tweet the first id replies to (the last tweet already on X). */
  readonly previousId: string;
  /** The thread's first tweet. */
  readonly rootId: string;
}

/** A receipt: the ids X gave (or reconcile found) for an attempt, in thread order. */
export interface Receipt {
  readonly attemptId: string;
  readonly tweetIds: readonly string[];
  readonly postedAt: Date;
  readonly origin: "bot" | "reconciled";
  readonly start?: ReceiptStart;
}

/**
 * Records the receipt of an item's attempt in ONE transaction: the attempt is resolved, one
 * posts row per tweet, and the item becomes `posted`, or `partial` (due now, for the post job
 * to finish) when the ids do not reach its last tweet. Idempotent: a second call changes nothing.
 */
export async function recordReceipt(sql: Sql, item: QueueItem, receipt: Receipt): Promise<"posted" | "partial"> {
  const from = receipt.start?.position ?? 0;
  const root = receipt.start?.rootId ?? receipt.tweetIds[0];
  const complete = from + receipt.tweetIds.length >= item.tweets.length;
  const at = receipt.postedAt.toISOString();
  const rows = receipt.tweetIds.map((tweetId, i) => ({
    text: `INSERT INTO posts (account_id, tweet_id, item_id, attempt_id, kind, position, thread_root, in_reply_to, text, origin, posted_at, shingles)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::int[]) ON CONFLICT (account_id, tweet_id) DO NOTHING`,
    params: [
      item.accountId,
      tweetId,
      item.id,
      receipt.attemptId,
      item.kind,
      from + i,
      root,
      i > 0 ? receipt.tweetIds[i - 1] : (receipt.start?.previousId ?? item.inReplyTo),
      item.tweets[from + i] ?? "",
      receipt.origin,
      at,
      shingleHashes(item.tweets[from + i] ?? ""),
    ],
  }));
  const reason = complete ? null : `partial: ${from + receipt.tweetIds.length} of ${item.tweets.length} tweets are on X; the post job finishes the thread`;
  await sql.transaction([
    {
      text: "UPDATE post_attempts SET status = $2, tweet_ids = $3::jsonb, finished_at = $4 WHERE id = $1 AND status = 'open'",
      params: [receipt.attemptId, complete ? "succeeded" : "partial", JSON.stringify(receipt.tweetIds), at],
    },
    ...rows,
    {
      text: `UPDATE content_items SET status = $2, tweet_id = $3, posted_at = coalesce(posted_at, $4::timestamptz), due_at = CASE WHEN $2 = 'partial' THEN $4::timestamptz ELSE due_at END,
               reason = $5, claimed_by = NULL, updated_at = $4::timestamptz WHERE id = $1 AND status = 'posting'`,
      params: [item.id, complete ? "posted" : "partial", root, at, reason],
    },
  ]);
  return complete ? "posted" : "partial";
}

/** The ids already on X of an item's thread, in position order. */
export async function receiptIdsOf(sql: Sql, accountId: string, itemId: string): Promise<string[]> {
  const rows = await sql.query<{ tweet_id: string }>("SELECT tweet_id FROM posts WHERE account_id = $1 AND item_id = $2 ORDER BY position", [accountId, itemId]);
  return rows.map((r) => r.tweet_id);
}

/** Records a tweet found on X that the database never knew (a ghost). */
export async function recordGhost(sql: Sql, accountId: string, tweet: { id: string; text: string; time: Date | null }, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO posts (account_id, tweet_id, kind, text, origin, posted_at, shingles) VALUES ($1, $2, 'single', $3, 'ghost', $4, $5::int[])
     ON CONFLICT (account_id, tweet_id) DO NOTHING RETURNING 1`,
    [accountId, tweet.id, tweet.text, (tweet.time ?? now).toISOString(), shingleHashes(tweet.text)],
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

/** Activity counted from the database at one instant. */
export interface PostingStats {
  readonly postsLastHour: number;
  readonly threadsLastHour: number;
  readonly threadsLastDay: number;
  readonly repliesLastHour: number;
  readonly actionsLastDay: number;
  readonly lastPostAt: Date | null;
  readonly lastReplyAt: Date | null;
  /** When the ramp started (the first action), or null for a new account. */
  readonly firstActionAt: Date | null;
}

/**
 * Activity at `now` for the caps: posts (all origins; X sees them all) plus open attempts.
 * The counts read the last day only (posts_recent); the latest post, latest reply and first
 * action are single index probes, so the cost does not grow with history.
 */
export async function postingStats(sql: Sql, accountId: string, now: Date): Promise<PostingStats> {
  const rows = await sql.query<Record<string, number | Date | null>>(
    `WITH open_acts AS (
       SELECT i.kind, a.started_at AS at FROM post_attempts a JOIN content_items i ON i.id = a.item_id WHERE a.account_id = $1 AND a.status = 'open'),
     acts AS (
       SELECT p.kind, p.posted_at AS at FROM posts p
       WHERE p.account_id = $1 AND p.position = 0 AND p.posted_at <= $2 AND p.posted_at > $2::timestamptz - interval '1 day'
       UNION ALL SELECT kind, at FROM open_acts)
     SELECT
       count(*) FILTER (WHERE kind <> 'reply' AND at > $2::timestamptz - interval '1 hour')::int AS "postsLastHour",
       count(*) FILTER (WHERE kind = 'thread' AND at > $2::timestamptz - interval '1 hour')::int AS "threadsLastHour",
       count(*) FILTER (WHERE kind = 'thread' AND at > $2::timestamptz - interval '1 day')::int AS "threadsLastDay",
       count(*) FILTER (WHERE kind = 'reply' AND at > $2::timestamptz - interval '1 hour')::int AS "repliesLastHour",
       count(*) FILTER (WHERE at > $2::timestamptz - interval '1 day')::int AS "actionsLastDay",
       GREATEST((SELECT max(at) FROM open_acts WHERE kind <> 'reply'),
         (SELECT max(posted_at) FROM posts WHERE account_id = $1 AND kind = 'single' AND position = 0 AND posted_at <= $2),
         (SELECT max(posted_at) FROM posts WHERE account_id = $1 AND kind = 'thread' AND position = 0 AND posted_at <= $2)) AS "lastPostAt",
       GREATEST((SELECT max(at) FROM open_acts WHERE kind = 'reply'),
         (SELECT max(posted_at) FROM posts WHERE account_id = $1 AND kind = 'reply' AND position = 0 AND posted_at <= $2)) AS "lastReplyAt",
       LEAST((SELECT min(at) FROM open_acts),
         (SELECT min(posted_at) FROM posts WHERE account_id = $1 AND position = 0 AND posted_at <= $2)) AS "firstActionAt"
     FROM acts`,
    [accountId, now.toISOString()],
  );
  return rows[0] as unknown as PostingStats;
}

/** The duplicate gate's window for replies: the latest posts compared with (live queue items are always compared). */
export const RECENT_TEXTS_WINDOW = 200;

/**
 * Texts of the latest {@link RECENT_TEXTS_WINDOW} posts and of every live queue item's tweets
 * (for the duplicate gate), each with its stored shingles (computed here for rows stored before
 * migration 011).
 */
export async function recentTexts(sql: Sql, accountId: string, limit = RECENT_TEXTS_WINDOW): Promise<StoredText[]> {
  const rows = await sql.query<{ text: string; shingles: number[] | null }>(
    `(SELECT text, to_jsonb(shingles) AS shingles FROM posts WHERE account_id = $1 ORDER BY posted_at DESC LIMIT $2)
     UNION ALL (SELECT t.text, shingles -> 'tweets' -> (t.n::int - 1) FROM content_items, jsonb_array_elements_text(tweets) WITH ORDINALITY AS t(text, n)
       WHERE account_id = $1 AND status IN ('queued', 'review', 'posting', 'partial'))`,
    [accountId, limit],
  );
  return rows.map((r) => ({ text: r.text, shingles: Array.isArray(r.shingles) ? r.shingles : shingleHashes(r.text) }));
}

/** A receipt to check against a good read of our timeline (is it still on X?). */
export interface CheckableReceipt {
  readonly tweetId: string;
  readonly postedAt: Date;
}

/** Our first tweets (singles, thread roots) posted in [from, to], not deleted nor already vanished. */
export async function receiptsToCheck(sql: Sql, accountId: string, from: Date, to: Date): Promise<CheckableReceipt[]> {
  const rows = await sql.query<{ tweetId: string; postedAt: Date }>(
    `SELECT tweet_id AS "tweetId", posted_at AS "postedAt" FROM posts
     WHERE account_id = $1 AND position = 0 AND kind IN ('single', 'thread') AND origin IN ('bot', 'reconciled')
       AND deleted_at IS NULL AND vanished_at IS NULL AND posted_at BETWEEN $2 AND $3
     ORDER BY posted_at LIMIT 200`,
    [accountId, from.toISOString(), to.toISOString()],
  );
  return rows.map((r) => ({ tweetId: r.tweetId, postedAt: new Date(r.postedAt) }));
}

/** Marks receipts whose tweets a good read no longer shows; returns how many were newly marked. */
export async function markVanished(sql: Sql, accountId: string, tweetIds: readonly string[], at: Date): Promise<number> {
  if (tweetIds.length === 0) return 0;
  const rows = await sql.query("UPDATE posts SET vanished_at = $3 WHERE account_id = $1 AND tweet_id = ANY($2::text[]) AND vanished_at IS NULL RETURNING 1", [accountId, tweetIds, at.toISOString()]);
  return rows.length;
}

/** What the operator must know about posting: partial threads, vanished receipts, attempts past their lease. */
export interface PostingProblems {
  readonly partialThreads: number;
  readonly vanishedPosts: number;
  readonly attemptsPastLease: number;
}

/** Counts of {@link PostingProblems} at `now` (vanished receipts of the last 7 days). */
export async function postingProblems(sql: Sql, accountId: string, now: Date): Promise<PostingProblems> {
  const rows = await sql.query<PostingProblems>(
    `SELECT
       (SELECT count(*)::int FROM content_items WHERE account_id = $1 AND status = 'partial') AS "partialThreads",
       (SELECT count(*)::int FROM posts WHERE account_id = $1 AND vanished_at > $2::timestamptz - interval '7 days') AS "vanishedPosts",
       (SELECT count(*)::int FROM post_attempts WHERE account_id = $1 AND status = 'open' AND lease_until <= $2) AS "attemptsPastLease"`,
    [accountId, now.toISOString()],
  );
  return rows[0] ?? { partialThreads: 0, vanishedPosts: 0, attemptsPastLease: 0 };
}

/** A posts row as `xbot posts` lists it. */
export interface PostListing {
  readonly tweetId: string;
  readonly origin: string;
  readonly kind: string;
  readonly text: string;
  readonly postedAt: Date | string;
  readonly itemId: string | null;
  readonly deletedAt: Date | string | null;
}

/** The latest `limit` posts of `accountId` (of one origin when given), newest first. */
export async function listPosts(sql: Sql, accountId: string, options: { origin: string | null; limit: number }): Promise<PostListing[]> {
  return sql.query<PostListing>(
    `SELECT tweet_id AS "tweetId", origin, kind, text, posted_at AS "postedAt", item_id::text AS "itemId", deleted_at AS "deletedAt"
     FROM posts WHERE account_id = $1 AND ($2::text IS NULL OR origin = $2) ORDER BY posted_at DESC LIMIT $3`,
    [accountId, options.origin, options.limit],
  );
}
