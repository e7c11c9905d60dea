/**
 * reconcile: resolves open post attempts against X and records ghosts (lib/posting/reconcile.ts).
 * It opens X only when there is something to do: an open attempt past its lease, or a ghost
 * scan that is due (once per XBOT_GHOST_SCAN_HOURS period, default 6; cadence.ts). Otherwise it only requeues abandoned claims (database only). A
 * manual run (`xbot run reconcile`, the dashboard) always reads X.
 */
import { expiredOpenAttempts, requeueOrphanClaims } from "../db/attempts.js";
import { reconcile as reconcilePass } from "../posting/reconcile.js";
import { ATTEMPT_LEASE_MS } from "../posting/protocol.js";
import type { JobContext } from "./context.js";
import { defineJob } from "./job.js";
import { JOB_SPECS } from "./specs.js";
import { GHOST_SCAN_ONCE } from "../state/keys.js";
import { claimSlot } from "./cadence.js";
import { xAccess } from "./x-access.js";
import { recordProfileFollowers } from "./profile-followers.js";

/** Why this run must read X, or null when it need not. */
async function needsX(ctx: JobContext, now: Date): Promise<string | null> {
  if (ctx.trigger === "manual") return "manual run";
  if ((await expiredOpenAttempts(ctx.db, ctx.config.XBOT_ACCOUNT_ID, now)).length > 0) return "open attempts past their lease";
  return (await claimSlot(ctx, GHOST_SCAN_ONCE, ctx.config.XBOT_GHOST_SCAN_HOURS * 3_600_000, 0)) ? "ghost scan due" : null;
}

/** The reconcile job. */
export const reconcile = defineJob({
  ...JOB_SPECS.reconcile,
  async run(ctx) {
    if (ctx.mode === "shadow") return { mode: "shadow", skipped: "shadow mode never reads X" };
    const now = new Date(ctx.clock.now());
    const why = await needsX(ctx, now);
    if (!why) {
      const orphansRequeued = await requeueOrphanClaims(ctx.db, ctx.config.XBOT_ACCOUNT_ID, new Date(now.getTime() - ATTEMPT_LEASE_MS), now);
      return { orphansRequeued, xVisited: false, reason: "nothing to reconcile: no open attempt past its lease, ghost scan not due" };
    }
    const { profileFollowers, ...pass } = await reconcilePass(ctx, await xAccess(ctx));
    const followers = await recordProfileFollowers(ctx, profileFollowers);
    return { xVisited: true, why, ...pass, ...(followers === null ? {} : { followersRecorded: followers }) };
  },
});
