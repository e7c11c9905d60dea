/**
 * heal's claim repair: items claimed (`posting`) with no attempt row, claimed longer ago than
 * the attempt lease, go back to the queue (partial threads back to `partial`), and each raises
 * a `stuck_posting` incident (it resolves once the item is no longer stuck). It needs only the
 * database, so it runs whether or not the state store answers, and before reconcile (which is
 * skipped while the x or browser breaker is open).
 */
import { raiseIncident } from "../db/incidents.js";
import { releaseOrphanClaims } from "../db/claims.js";
import { ATTEMPT_LEASE_MS } from "../posting/protocol.js";
import type { JobContext } from "./context.js";

/** Requeues abandoned claims; returns how many. */
export async function releaseAbandonedClaims(ctx: JobContext): Promise<number> {
  const now = new Date(ctx.clock.now());
  const released = await releaseOrphanClaims(ctx.db, ctx.config.XBOT_ACCOUNT_ID, new Date(now.getTime() - ATTEMPT_LEASE_MS), now);
  if (released.length === 0) return 0;
  ctx.log.warn("heal: claims abandoned before any attempt went back to the queue", { released });
  for (const id of released) {
    await raiseIncident(
      ctx.db,
      ctx.config.XBOT_ACCOUNT_ID,
      {
        kind: "stuck_posting",
        subject: id,
        severity: "error",
        sourceRun: ctx.runId,
        sourceItem: id,
        message: `item ${id} was stuck in posting past the attempt lease with no attempt; heal put it back in the queue`,
        fix: "nothing to do if it posts on the next run; if it recurs, look at the post job's runs (npx xbot status, or the dashboard's job timeline)",
      },
      now,
    );
  }
  return released.length;
}
