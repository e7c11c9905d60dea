/**
 * learn: scores every post whose 24 h metrics snapshot is in and that is not scored yet:
 * reward = (0.5·likes + 1.5·replies + 2·reposts + 0.2·bookmarks + 5·followerΔ24h) / √views,
 * squashed into [0, 1] (lib/learn/reward.ts), with the 24 h follower delta when it is
 * measurable (else 0). The reward moves the arm of the post's content item, exactly once per
 * post: marking and updating are one statement (lib/db/scoring.ts applyScores, for all posts
 * at once). Runs after metrics.
 */
import { applyScores, scorablePosts } from "../db/scoring.js";
import { scorePost } from "../learn/reward.js";
import { armsSummary } from "../learn/summary.js";
import { defineJob } from "./job.js";
import { JOB_SPECS } from "./specs.js";

export { armsSummary, type ArmsSummary } from "../learn/summary.js";

/** Posts scored per run at most. */
export const LEARN_BATCH = 200;

/** The learn job. */
export const learn = defineJob({
  ...JOB_SPECS.learn,
  async run(ctx) {
    const accountId = ctx.config.XBOT_ACCOUNT_ID;
    const counts = { scored: 0, armsUpdated: 0, withoutArm: 0, withFollowerDelta: 0, alreadyScored: 0 };
    // Three round trips whatever the number of posts: read them, score them all, summarise.
    const posts = await scorablePosts(ctx.db, accountId, new Date(ctx.clock.now()), LEARN_BATCH);
    const scores = posts.map((post) => ({ post, ...scorePost({ ...post, followerDelta: post.followerDelta24h ?? 0 }) }));
    const results = ctx.signal.aborted
      ? []
      : await applyScores(
          ctx.db,
          accountId,
          scores.map((s) => ({ postId: s.post.postId, armId: s.post.armId, reward01: s.reward01, raw: s.raw })),
          new Date(ctx.clock.now()),
        );
    const byId = new Map(scores.map((s) => [s.post.postId, s]));
    for (const result of results) {
      const s = byId.get(result.postId)!;
      if (!result.marked) {
        counts.alreadyScored++;
        continue;
      }
      counts.scored++;
      if (s.post.followerDelta24h !== null) counts.withFollowerDelta++;
      if (result.updated) counts.armsUpdated++;
      else counts.withoutArm++;
      ctx.log.debug("post scored", { tweetId: s.post.tweetId, armId: s.post.armId, raw: s.raw, reward01: s.reward01, followerDelta: s.post.followerDelta24h });
    }
    const { topArms, bestHours, totalPulls } = await armsSummary(ctx.db, accountId);
    return { ...counts, totalPulls, bestHours: bestHours.slice(0, 3), topArms };
  },
});
