/**
 * followers: reads our follower count from the profile and records a snapshot, which
 * lib/db/followers.ts attributes to posts (2 h / 24 h / 48 h deltas) for the learn job.
 * Shadow mode never touches X.
 */
import { insertFollowerSnapshot, latestFollowers } from "../db/followers.js";
import { defineJob } from "./job.js";
import { JOB_SPECS } from "./specs.js";
import { readFollowers } from "../x/index.js";
import { xAccess } from "./x-access.js";

/** The followers job. */
export const followers = defineJob({
  ...JOB_SPECS.followers,
  async run(ctx) {
    if (ctx.mode === "shadow") return { skipped: "shadow mode never touches X" };
    const accountId = ctx.config.XBOT_ACCOUNT_ID;
    const access = await xAccess(ctx);
    const { site } = access;
    const browser = await access.browser();
    const read = await browser.withPage("followers", (page) => readFollowers(page, site, site.user), { signal: ctx.signal });
    const count = read.followers;
    if (!read.exact) return { user: site.user, skipped: "X shows the follower count only abbreviated: no snapshot taken", shown: count, source: read.source };
    const takenAt = new Date(ctx.clock.now());
    const previous = await latestFollowers(ctx.db, accountId, takenAt);
    await insertFollowerSnapshot(ctx.db, accountId, count, takenAt);
    return { user: site.user, followers: count, source: read.source, exact: read.exact, change: previous ? count - previous.followers : null, since: previous?.takenAt.toISOString() ?? null };
  },
});
