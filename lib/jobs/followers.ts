/**
 * followers: reads our follower count through the read transport (our profile on the
 * browser; `GET /2/users/me` public_metrics on the API, one priced user read) and records a
 * snapshot, which lib/db/followers.ts attributes to posts (2 h / 24 h / 48 h deltas) for the
 * learn job. A scheduled run skips X while a snapshot is younger than 110 min: metrics and
 * reconcile record the count their own profile visit showed (profile-followers.ts), so the
 * jobs share one visit where they can. A manual run always reads. Shadow mode never touches X.
 */
import { insertFollowerSnapshot, latestFollowers } from "../db/followers.js";
import { defineJob } from "./job.js";
import { JOB_SPECS } from "./specs.js";
import { xAccess } from "./x-access.js";
import { freshFollowers } from "./profile-followers.js";

/** The followers job. */
export const followers = defineJob({
  ...JOB_SPECS.followers,
  async run(ctx) {
    if (ctx.mode === "shadow") return { skipped: "shadow mode never touches X" };
    const accountId = ctx.config.XBOT_ACCOUNT_ID;
    const fresh = ctx.trigger === "manual" ? null : await freshFollowers(ctx);
    if (fresh)
      return {
        followers: fresh.followers,
        xVisited: false,
        skipped: `a snapshot from ${Math.round((ctx.clock.now() - fresh.takenAt.getTime()) / 60_000)} min ago is fresh (another job's profile visit): no visit of our own`,
      };
    const access = await xAccess(ctx);
    const { site } = access;
    const read = await access.reads.use("followers", (x) => x.followers(), { signal: ctx.signal });
    const count = read.followers;
    if (!read.exact) return { user: site.user, skipped: "X shows the follower count only abbreviated: no snapshot taken", shown: count, source: read.source };
    const takenAt = new Date(ctx.clock.now());
    const previous = await latestFollowers(ctx.db, accountId, takenAt);
    await insertFollowerSnapshot(ctx.db, accountId, count, takenAt);
    return { user: site.user, followers: count, source: read.source, exact: read.exact, change: previous ? count - previous.followers : null, since: previous?.takenAt.toISOString() ?? null };
  },
});
