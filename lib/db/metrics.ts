/**
 * Metric snapshots of our posts (metric_snapshots) and the per-post read back-off on posts.
 * A post is due a snapshot in the LARGEST age bucket it has reached (1h, 24h, 7d) when that
 * bucket is not recorded yet; a bucket passed while the post could not be read is skipped
 * rather than filled with older-looking numbers. Only the first tweet of a thread (and
 * singles and replies) is read: that is what the reward uses.
 */
import type { Sql } from "./sql.js";
import type { TweetMetrics } from "../x/index.js";

/** Snapshot ages. */
export type AgeBucket = "1h" | "24h" | "7d";

/** Age at which each bucket is due, in ms. */
export const AGE_BUCKET_MS: Readonly<Record<AgeBucket, number>> = Object.freeze({ "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 });

/** Posts older than this are no longer read. */
export const METRICS_MAX_AGE_MS = 14 * 86_400_000;

/** A post due a snapshot. */
export interface DueSnapshot {
  readonly tweetId: string;
  readonly postedAt: Date;
  readonly bucket: AgeBucket;
  /** Consecutive failed reads so far. */
  readonly failures: number;
}

/** Posts due a snapshot at `now`, oldest due first, skipping those backing off. */
export async function dueSnapshots(sql: Sql, accountId: string, now: Date, limit: number): Promise<DueSnapshot[]> {
  const rows = await sql.query<{ tweetId: string; postedAt: Date; bucket: AgeBucket; failures: number }>(
    `WITH p AS (
       SELECT tweet_id, posted_at, metrics_failures,
         CASE WHEN $2::timestamptz - posted_at >= interval '7 days' THEN '7d'
              WHEN $2::timestamptz - posted_at >= interval '24 hours' THEN '24h' ELSE '1h' END AS bucket
       FROM posts
       WHERE account_id = $1 AND origin IN ('bot', 'reconciled') AND deleted_at IS NULL AND position = 0
         AND posted_at <= $2::timestamptz - interval '1 hour' AND posted_at > $2::timestamptz - $4 * interval '1 millisecond'
         AND (metrics_retry_at IS NULL OR metrics_retry_at <= $2::timestamptz))
     SELECT tweet_id AS "tweetId", posted_at AS "postedAt", bucket, metrics_failures AS failures FROM p
     WHERE NOT EXISTS (SELECT 1 FROM metric_snapshots s WHERE s.account_id = $1 AND s.tweet_id = p.tweet_id AND s.age_bucket = p.bucket)
     ORDER BY posted_at LIMIT $3`,
    [accountId, now.toISOString(), limit, METRICS_MAX_AGE_MS],
  );
  return rows.map((r) => ({ ...r, postedAt: new Date(r.postedAt) }));
}

/**
 * Records a snapshot and clears the post's back-off; false when that bucket was already
 * recorded. Unknown counters are stored as NULL, with the reading's source and approximations.
 */
export async function saveSnapshot(sql: Sql, accountId: string, due: Pick<DueSnapshot, "tweetId" | "bucket">, metrics: TweetMetrics, takenAt: Date): Promise<boolean> {
  const [inserted] = await sql.transaction([
    {
      text: `INSERT INTO metric_snapshots (account_id, tweet_id, age_bucket, likes, replies, reposts, bookmarks, views, source, approximate, taken_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11) ON CONFLICT (account_id, tweet_id, age_bucket) DO NOTHING RETURNING 1`,
      params: [
        accountId,
        due.tweetId,
        due.bucket,
        metrics.likes,
        metrics.replies,
        metrics.reposts,
        metrics.bookmarks,
        metrics.views,
        metrics.source,
        JSON.stringify(metrics.approximate),
        takenAt.toISOString(),
      ],
    },
    { text: "UPDATE posts SET metrics_failures = 0, metrics_retry_at = NULL WHERE account_id = $1 AND tweet_id = $2", params: [accountId, due.tweetId] },
  ]);
  return (inserted?.length ?? 0) > 0;
}

/** Marks a tweet deleted on X (every row of it). */
export async function markDeleted(sql: Sql, accountId: string, tweetId: string, at: Date): Promise<void> {
  await sql.query("UPDATE posts SET deleted_at = $3 WHERE account_id = $1 AND tweet_id = $2 AND deleted_at IS NULL", [accountId, tweetId, at.toISOString()]);
}

/** Back-off after the n-th consecutive failure: 15 min doubling, at most 24 h. */
export function metricsBackoffMs(failures: number): number {
  return Math.min(24 * 3_600_000, 15 * 60_000 * 2 ** Math.max(0, failures - 1));
}

/** Counts a failed read of a post that had `failures` before, and backs it off; returns the retry time. */
export async function recordReadFailure(sql: Sql, accountId: string, due: Pick<DueSnapshot, "tweetId" | "failures">, now: Date): Promise<Date> {
  const retryAt = new Date(now.getTime() + metricsBackoffMs(due.failures + 1));
  await sql.query("UPDATE posts SET metrics_failures = metrics_failures + 1, metrics_retry_at = $3 WHERE account_id = $1 AND tweet_id = $2", [accountId, due.tweetId, retryAt.toISOString()]);
  return retryAt;
}
