/**
 * The learn job's two statements: the posts to score (with their 24 h metrics and 24 h
 * follower delta, in one query), and every score applied at once. Applying is ONE statement:
 * posts are marked (scored_at IS NULL, so a concurrent or repeated run never counts a post
 * twice) and each arm moves by the sum of the rewards of the posts THIS statement marked.
 */
import { attributionToleranceMs, FOLLOWER_WINDOWS_MS } from "./followers.js";
import type { Sql } from "./sql.js";

/** Only posts of the last 30 days are looked at: metrics stop reading a post after 14 days, so an older post never gets its 24 h snapshot. */
export const SCORING_WINDOW_MS = 30 * 86_400_000;

/** A post ready to score. */
export interface Scorable {
  readonly postId: string;
  readonly tweetId: string;
  readonly postedAt: Date;
  readonly armId: string | null;
  readonly likes: number;
  readonly replies: number;
  readonly reposts: number;
  readonly bookmarks: number;
  readonly views: number;
  /** Followers 24 h after minus just before the post (see lib/db/followers.ts); null when not measurable. */
  readonly followerDelta24h: number | null;
}

/** First tweets of our posts (posts_unscored) with a 24 h snapshot and no score, oldest first. */
export async function scorablePosts(sql: Sql, accountId: string, now: Date, limit: number): Promise<Scorable[]> {
  const w = FOLLOWER_WINDOWS_MS["24h"];
  const rows = await sql.query<Scorable>(
    `SELECT p.id::text AS "postId", p.tweet_id AS "tweetId", p.posted_at AS "postedAt", i.arm_id AS "armId",
       coalesce(s.likes, 0) AS likes, coalesce(s.replies, 0) AS replies, coalesce(s.reposts, 0) AS reposts,
       coalesce(s.bookmarks, 0) AS bookmarks, coalesce(s.views, 0) AS views,
       (SELECT a.followers FROM follower_snapshots a WHERE a.account_id = $1
          AND a.taken_at >= p.posted_at + $5 * interval '1 millisecond' AND a.taken_at <= p.posted_at + $6 * interval '1 millisecond'
          ORDER BY a.taken_at LIMIT 1)
       - (SELECT b.followers FROM follower_snapshots b WHERE b.account_id = $1
          AND b.taken_at <= p.posted_at AND b.taken_at >= p.posted_at - $7 * interval '1 millisecond'
          ORDER BY b.taken_at DESC LIMIT 1) AS "followerDelta24h"
     FROM posts p
     JOIN metric_snapshots s ON s.account_id = p.account_id AND s.tweet_id = p.tweet_id AND s.age_bucket = '24h'
     LEFT JOIN content_items i ON i.id = p.item_id
     WHERE p.account_id = $1 AND p.scored_at IS NULL AND p.position = 0 AND p.origin IN ('bot', 'reconciled')
       AND p.posted_at > $2::timestamptz - $3 * interval '1 millisecond'
     ORDER BY p.posted_at, p.id LIMIT $4`,
    [accountId, now.toISOString(), SCORING_WINDOW_MS, limit, w, w + attributionToleranceMs(w), attributionToleranceMs(0)],
  );
  return rows.map((r) => ({ ...r, postedAt: new Date(r.postedAt), followerDelta24h: r.followerDelta24h === null ? null : Number(r.followerDelta24h) }));
}

/** One post's score. */
export interface BatchScore {
  readonly postId: string;
  /** The arm to move; null scores the post without touching an arm. */
  readonly armId: string | null;
  /** In [0, 1] (clamped). */
  readonly reward01: number;
  readonly raw: number;
}

/** Per post: whether this call marked it, and whether its arm moved. */
export interface BatchResult {
  readonly postId: string;
  readonly marked: boolean;
  readonly updated: boolean;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** Applies every score in ONE statement; a post already scored is neither marked nor counted. */
export async function applyScores(sql: Sql, accountId: string, scores: readonly BatchScore[], scoredAt: Date): Promise<BatchResult[]> {
  if (scores.length === 0) return [];
  const rows = await sql.query<{ postId: string; marked: boolean; updated: boolean }>(
    `WITH input AS (
       SELECT * FROM unnest($2::bigint[], $3::text[], $4::float8[], $5::float8[]) AS x(post_id, arm_id, reward, raw)),
     marked AS (
       UPDATE posts p SET scored_at = $6, reward = x.reward, reward_raw = x.raw, scored_arm_id = x.arm_id
       FROM input x WHERE p.account_id = $1 AND p.id = x.post_id AND p.scored_at IS NULL
       RETURNING p.id, x.arm_id, x.reward),
     totals AS (SELECT arm_id, sum(reward) AS r, count(*) AS n FROM marked WHERE arm_id IS NOT NULL GROUP BY arm_id),
     arm AS (
       UPDATE bandit_arms a SET alpha = a.alpha + t.r, beta = a.beta + (t.n - t.r), pulls = a.pulls + t.n, reward_sum = a.reward_sum + t.r, updated_at = now()
       FROM totals t WHERE a.account_id = $1 AND a.arm_id = t.arm_id RETURNING a.arm_id)
     SELECT x.post_id::text AS "postId", m.id IS NOT NULL AS marked, (m.id IS NOT NULL AND EXISTS (SELECT 1 FROM arm WHERE arm.arm_id = m.arm_id)) AS updated
     FROM input x LEFT JOIN marked m ON m.id = x.post_id`,
    [accountId, scores.map((s) => s.postId), scores.map((s) => s.armId), scores.map((s) => clamp01(s.reward01)), scores.map((s) => (Number.isFinite(s.raw) ? s.raw : null)), scoredAt.toISOString()],
  );
  return rows.map((r) => ({ postId: r.postId, marked: r.marked === true || String(r.marked) === "t", updated: r.updated === true || String(r.updated) === "t" }));
}
