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

/** Daily totals over the last `days` days: posts made that day with their latest metrics, and the day's last follower count. */
export async function engagementSeries(sql: Sql, accountId: string, now: Date, days = 30): Promise<EngagementDay[]> {
  return sql.query<EngagementDay>(
    `WITH span AS (SELECT generate_series(date_trunc('day', $2::timestamptz - ($3::int - 1) * interval '1 day'), date_trunc('day', $2::timestamptz), interval '1 day') AS day),
     latest AS (
       SELECT DISTINCT ON (m.tweet_id) m.tweet_id, m.likes, m.replies, m.reposts, m.views FROM metric_snapshots m
       WHERE m.account_id = $1 ORDER BY m.tweet_id, m.taken_at DESC)
     SELECT to_char(s.day, 'YYYY-MM-DD') AS day,
       (SELECT count(*)::int FROM posts p WHERE p.account_id = $1 AND p.position = 0 AND date_trunc('day', p.posted_at) = s.day) AS posts,
       coalesce(sum(l.likes), 0)::int AS likes, coalesce(sum(l.replies), 0)::int AS replies, coalesce(sum(l.reposts), 0)::int AS reposts, coalesce(sum(l.views), 0)::int AS views,
       (SELECT f.followers FROM follower_snapshots f WHERE f.account_id = $1 AND date_trunc('day', f.taken_at) = s.day ORDER BY f.taken_at DESC LIMIT 1) AS followers
     FROM span s
     LEFT JOIN posts p ON p.account_id = $1 AND p.position = 0 AND date_trunc('day', p.posted_at) = s.day
     LEFT JOIN latest l ON l.tweet_id = p.tweet_id
     GROUP BY s.day ORDER BY s.day`,
    [accountId, now.toISOString(), days],
  );
}
