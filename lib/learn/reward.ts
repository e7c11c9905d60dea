/**
 * The reward of a post, as the original bot defined it:
 *   raw = (0.5·likes + 1.5·replies + 2·reposts + 0.2·bookmarks + 5·followerDelta) / √views
 * and its squashing into [0, 1] for the Beta posterior update:
 *   reward01 = raw / (raw + k)   for raw > 0, and 0 for raw <= 0,   k = 0.5 by default.
 *
 * Why r/(r+k): it is monotone, needs no known maximum, never saturates at exactly 1, and
 * k is the raw reward that maps to 0.5. Typical raws: 2 likes on 200 views = 0.07 (-> 0.12);
 * 10 likes, a reply, a repost, a bookmark and a follower on 1,000 views = 0.43 (-> 0.46);
 * a post that takes off (50 likes, 10 replies, 10 reposts, +5 followers on 5,000) = 1.2 (-> 0.71).
 * A negative raw (followers lost) counts as a failure (0).
 *
 * Impressions below 1 (not scraped yet, or 0) are floored at 1, so the division is safe;
 * callers should only score posts whose metrics snapshot is in (see the learn job).
 */

/** Engagement of one post at a fixed age, plus the follower change attributed to it. */
export interface Engagement {
  readonly likes: number;
  readonly replies: number;
  readonly reposts: number;
  readonly bookmarks: number;
  readonly views: number;
  readonly followerDelta: number;
}

/** Weights of the raw reward. */
export interface RewardWeights {
  readonly likes: number;
  readonly replies: number;
  readonly reposts: number;
  readonly bookmarks: number;
  readonly followerDelta: number;
}

/** The weights from REFERENCE.md. */
export const DEFAULT_REWARD_WEIGHTS: RewardWeights = Object.freeze({ likes: 0.5, replies: 1.5, reposts: 2, bookmarks: 0.2, followerDelta: 5 });

/** Default squashing constant: the raw reward that maps to 0.5. */
export const DEFAULT_SQUASH_K = 0.5;

/** The raw (unbounded) reward; may be negative when followers were lost. */
export function rawReward(e: Engagement, weights: RewardWeights = DEFAULT_REWARD_WEIGHTS): number {
  const score = weights.likes * e.likes + weights.replies * e.replies + weights.reposts * e.reposts + weights.bookmarks * e.bookmarks + weights.followerDelta * e.followerDelta;
  const views = Number.isFinite(e.views) ? Math.max(1, e.views) : 1;
  return score / Math.sqrt(views);
}

/** Maps a raw reward into [0, 1): r/(r+k) for r > 0, else 0. */
export function squashReward(raw: number, k: number = DEFAULT_SQUASH_K): number {
  if (!(k > 0)) throw new RangeError(`squash constant k must be > 0, got ${k}`);
  if (!Number.isFinite(raw) || raw <= 0) return raw === Infinity ? 1 : 0;
  return raw / (raw + k);
}

/** Both rewards of a post. */
export function scorePost(e: Engagement, options: { weights?: RewardWeights; k?: number } = {}): { raw: number; reward01: number } {
  const raw = rawReward(e, options.weights);
  return { raw, reward01: squashReward(raw, options.k) };
}
