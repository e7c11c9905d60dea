/**
 * Reply candidates: tweets we might answer. Mentions are the default source; curated
 * accounts are opt-in (XBOT_REPLY_ACCOUNTS). Rules: curated accounts' root tweets only (a
 * mention may be a reply, e.g. to one of our posts), never ourselves,
 * never the same tweet twice (a unique row per tweet), and at most N replies per author
 * per day. Score = recency (half-life 6 h) x source weight (a mention outranks a curated post),
 * and 0 (skipped, with the reason) for a target screening flags (screening.ts).
 */
import type { Sql } from "../db/sql.js";
import type { TimelineTweet } from "../x/index.js";
import { screenedScore } from "./screening.js";

/** A tweet found on X that we may reply to. */
export interface FoundTweet extends TimelineTweet {
  readonly source: "mention" | "curated";
}

/** A stored candidate. */
export interface ReplyCandidate {
  readonly id: string;
  readonly tweetId: string;
  readonly author: string;
  readonly text: string;
  readonly score: number;
}

const HALF_LIFE_MS = 6 * 3_600_000;
const SOURCE_WEIGHT = { mention: 1, curated: 0.6 } as const;

/** The score of a tweet at `now` (0 for ineligible ones). */
export function scoreTweet(tweet: FoundTweet, us: string, now: Date): number {
  if (tweet.author.toLowerCase() === us.toLowerCase() || (tweet.source === "curated" && tweet.inReplyTo)) return 0;
  const ageMs = tweet.time ? Math.max(0, now.getTime() - tweet.time.getTime()) : HALF_LIFE_MS;
  return SOURCE_WEIGHT[tweet.source] * 0.5 ** (ageMs / HALF_LIFE_MS);
}

/** Stores new candidates in ONE statement (a tweet already seen is never stored again). Returns how many were new. */
export async function storeCandidates(sql: Sql, accountId: string, tweets: readonly FoundTweet[], us: string, now: Date): Promise<number> {
  if (tweets.length === 0) return 0;
  const screened = tweets.map((t) => screenedScore(t.text, us, scoreTweet(t, us, now)));
  const rows = await sql.query(
    `INSERT INTO reply_candidates (account_id, tweet_id, author, text, tweet_time, source, score, status, reason, created_at)
     SELECT $1, t.tweet_id, t.author, t.text, t.tweet_time, t.source, t.score, t.status, t.reason, $2
     FROM unnest($3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::float8[], $9::text[], $10::text[])
       WITH ORDINALITY AS t(tweet_id, author, text, tweet_time, source, score, status, reason, n)
     ORDER BY t.n
     ON CONFLICT (account_id, tweet_id) DO NOTHING RETURNING 1`,
    [accountId, now.toISOString(), tweets.map((t) => t.id), tweets.map((t) => t.author), tweets.map((t) => t.text),
      tweets.map((t) => t.time?.toISOString() ?? null), tweets.map((t) => t.source), screened.map((s) => s.score), screened.map((s) => s.status), screened.map((s) => s.reason)],
  );
  return rows.length;
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
  await sql.query("UPDATE reply_candidates SET status = $2, item_id = $3, reason = $4 WHERE id = $1",
    [id, update.status, update.status === "queued" ? update.itemId : null, update.status === "skipped" ? update.reason : null]);
}
