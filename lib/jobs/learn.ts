/**
 * learn: scores every post whose 24 h metrics snapshot is in and that is not scored yet:
 * reward = (0.5·likes + 1.5·replies + 2·reposts + 0.2·bookmarks + 5·followerΔ24h) / √views,
 * squashed into [0, 1] (lib/learn/reward.ts), with the 24 h follower delta when it is
 * measurable (else 0). The reward moves the arm of the post's content item, exactly once per
 * post: marking and updating are one statement (saveArmUpdateOnce). Runs after metrics.
 */
import { followerDeltas } from "../db/followers.js";
import type { Sql } from "../db/sql.js";
import { saveArmUpdateOnce } from "../learn/arms.js";
import { scorePost } from "../learn/reward.js";
import { armsSummary } from "../learn/summary.js";
import { defineJob } from "../runtime/job.js";
import { JOB_SPECS } from "./specs.js";

export { armsSummary, type ArmsSummary } from "../learn/summary.js";

/** Posts scored per run at most. */
export const LEARN_BATCH = 200;

/** A post ready to score. */
interface Scorable {
  readonly postId: string;
  readonly tweetId: string;
  readonly postedAt: Date;
  readonly armId: string | null;
  readonly likes: number;
  readonly replies: number;
  readonly reposts: number;
  readonly bookmarks: number;
  readonly views: number;
}

/** First tweets of our posts with a 24 h snapshot and no score, oldest first. */
async function scorable(sql: Sql, accountId: string, limit: number): Promise<Scorable[]> {
  const rows = await sql.query<Scorable>(
    `SELECT p.id::text AS "postId", p.tweet_id AS "tweetId", p.posted_at AS "postedAt", i.arm_id AS "armId",
       coalesce(s.likes, 0) AS likes, coalesce(s.replies, 0) AS replies, coalesce(s.reposts, 0) AS reposts,
       coalesce(s.bookmarks, 0) AS bookmarks, coalesce(s.views, 0) AS views
     FROM posts p
     JOIN metric_snapshots s ON s.account_id = p.account_id AND s.tweet_id = p.tweet_id AND s.age_bucket = '24h'
     LEFT JOIN content_items i ON i.id = p.item_id
     WHERE p.account_id = $1 AND p.scored_at IS NULL AND p.position = 0 AND p.origin IN ('bot', 'reconciled')
     ORDER BY p.posted_at, p.id LIMIT $2`,
    [accountId, limit],
  );
  return rows.map((r) => ({ ...r, postedAt: new Date(r.postedAt) }));
}

/** The learn job. */
export const learn = defineJob({
  ...JOB_SPECS.learn,
  async run(ctx) {
    const accountId = ctx.config.XBOT_ACCOUNT_ID;
    const counts = { scored: 0, armsUpdated: 0, withoutArm: 0, withFollowerDelta: 0, alreadyScored: 0 };
    for (const post of await scorable(ctx.db, accountId, LEARN_BATCH)) {
      if (ctx.signal.aborted) break;
      const delta = (await followerDeltas(ctx.db, accountId, post.postedAt))["24h"];
      const { raw, reward01 } = scorePost({ ...post, impressions: post.views, followerDelta: delta ?? 0 });
      const result = await saveArmUpdateOnce(ctx.db, accountId, { postId: post.postId, armId: post.armId, reward01, raw, scoredAt: new Date(ctx.clock.now()) });
      if (!result.marked) {
        counts.alreadyScored++;
        continue;
      }
      counts.scored++;
      if (delta !== null) counts.withFollowerDelta++;
      if (result.updated) counts.armsUpdated++;
      else counts.withoutArm++;
      ctx.log.debug("post scored", { tweetId: post.tweetId, armId: post.armId, raw, reward01, followerDelta: delta });
    }
    const { topArms, bestHours, totalPulls } = await armsSummary(ctx.db, accountId);
    return { ...counts, totalPulls, bestHours: bestHours.slice(0, 3), topArms };
  },
});
