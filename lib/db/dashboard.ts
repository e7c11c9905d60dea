/** Read-only queries for the dashboard (/api/status): recent posts with metrics, daily engagement. */
import type { Sql } from "./sql.js";

/** A post with its latest metric snapshot. */
export interface PostWithMetrics {
  readonly tweetId: string;
  readonly kind: string;
  readonly origin: string;
  readonly text: string;
  readonly postedAt: Date;
  readonly deletedAt: Date | null;
  /** Set when a good read of X no longer shows the tweet X gave an id for. */
  readonly vanishedAt: Date | null;
  readonly topic: string | null;
  readonly format: string | null;
  /** Media library ids of this tweet (from its queue item), [] when none. */
  readonly media: string[];
  /** The quoted tweet's id, or null. */
  readonly quoteOf: string | null;
  readonly metrics: { likes: number | null; replies: number | null; reposts: number | null; bookmarks: number | null; views: number | null; ageBucket: string } | null;
}

/** The latest posts (thread roots and singles, replies included), newest first. */
export async function recentPostsWithMetrics(sql: Sql, accountId: string, limit = 30): Promise<PostWithMetrics[]> {
  return sql.query<PostWithMetrics>(
    `SELECT p.tweet_id AS "tweetId", p.kind, p.origin, p.text, p.posted_at AS "postedAt", p.deleted_at AS "deletedAt", p.vanished_at AS "vanishedAt", i.topic, i.format,
       coalesce(i.media -> p.position, '[]'::jsonb) AS media, i.quote_of AS "quoteOf",
       (SELECT jsonb_build_object('likes', m.likes, 'replies', m.replies, 'reposts', m.reposts, 'bookmarks', m.bookmarks, 'views', m.views, 'ageBucket', m.age_bucket)
        FROM metric_snapshots m WHERE m.account_id = p.account_id AND m.tweet_id = p.tweet_id ORDER BY m.taken_at DESC LIMIT 1) AS metrics
     FROM posts p LEFT JOIN content_items i ON i.id = p.item_id
     WHERE p.account_id = $1 AND p.position = 0 ORDER BY p.posted_at DESC LIMIT $2`,
    [accountId, limit],
  );
}

/** One day of engagement. */
export interface EngagementDay {
  readonly day: string;
  readonly posts: number;
  readonly likes: number;
  readonly replies: number;
  readonly reposts: number;
  readonly views: number;
  readonly followers: number | null;
}

/**
 * The day-by-day aggregate over [$2, $3) (timestamptz day starts) of account $1: the window's
 * first tweets (posts_recent), by UTC day, the latest snapshot of each by LATERAL on
 * metric_snapshots_latest (migration 015: in taken_at order with the summed columns, so each
 * probe is one index-only step, no sort), one GROUP BY; and each day's last follower count. Shared by the chart and the rollup
 * (lib/db/retention.ts), so a rolled-up day equals what the chart showed from raw rows.
 */
export const DAILY_AGGREGATE_SQL = `
  daily AS (
    SELECT date_trunc('day', p.posted_at AT TIME ZONE 'UTC') AS day, count(*)::int AS posts,
      coalesce(sum(l.likes), 0)::bigint AS likes, coalesce(sum(l.replies), 0)::bigint AS replies,
      coalesce(sum(l.reposts), 0)::bigint AS reposts, coalesce(sum(l.views), 0)::bigint AS views
    FROM posts p
    LEFT JOIN LATERAL (
      SELECT m.likes, m.replies, m.reposts, m.views FROM metric_snapshots m
      WHERE m.account_id = p.account_id AND m.tweet_id = p.tweet_id ORDER BY m.taken_at DESC LIMIT 1) l ON true
    WHERE p.account_id = $1 AND p.position = 0 AND p.posted_at >= $2::timestamptz AND p.posted_at < $3::timestamptz
    GROUP BY 1),
  fol AS (
    SELECT DISTINCT ON (date_trunc('day', f.taken_at AT TIME ZONE 'UTC')) date_trunc('day', f.taken_at AT TIME ZONE 'UTC') AS day, f.followers
    FROM follower_snapshots f
    WHERE f.account_id = $1 AND f.taken_at >= $2::timestamptz AND f.taken_at < $3::timestamptz
    ORDER BY date_trunc('day', f.taken_at AT TIME ZONE 'UTC'), f.taken_at DESC)`;

/**
 * Daily totals over the last `days` days: posts made that day with their latest metrics, and
 * the day's last follower count. A day heal has rolled up (engagement_daily) is read from there,
 * so the chart stays the same after retention removes its raw rows.
 */
export async function engagementSeries(sql: Sql, accountId: string, now: Date, days = 30): Promise<EngagementDay[]> {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const start = new Date(end.getTime() - days * 86_400_000);
  return sql.query<EngagementDay>(
    `WITH span AS (SELECT generate_series($2::timestamptz AT TIME ZONE 'UTC', $3::timestamptz AT TIME ZONE 'UTC' - interval '1 day', interval '1 day') AS day),
     ${DAILY_AGGREGATE_SQL}
     SELECT to_char(s.day, 'YYYY-MM-DD') AS day,
       coalesce(r.posts, d.posts, 0)::int AS posts, coalesce(r.likes, d.likes, 0)::int AS likes, coalesce(r.replies, d.replies, 0)::int AS replies,
       coalesce(r.reposts, d.reposts, 0)::int AS reposts, coalesce(r.views, d.views, 0)::int AS views,
       CASE WHEN r.day IS NOT NULL THEN r.followers ELSE f.followers END AS followers
     FROM span s
     LEFT JOIN daily d ON d.day = s.day
     LEFT JOIN fol f ON f.day = s.day
     LEFT JOIN engagement_daily r ON r.account_id = $1 AND r.day = s.day::date
     ORDER BY s.day`,
    [accountId, start.toISOString(), end.toISOString()],
  );
}
