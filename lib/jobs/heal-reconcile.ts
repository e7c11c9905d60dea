/**
 * heal's part of reconciliation: when attempts are stuck open past their lease (or claims
 * were abandoned), run one reconcile pass, but only when the browser and x breakers are
 * closed and a browser slot is free. heal never waits on X: otherwise it leaves the work
 * to the reconcile job.
 */
import { expiredOpenAttempts } from "../db/attempts.js";
import { reconcile, type ReconcileSummary } from "../posting/reconcile.js";
import { BROWSER_RESOURCE, runLeaseMs } from "../runtime/admission.js";
import { keepRunLeased } from "../runtime/run-lease.js";
import type { JobContext } from "./context.js";
import type { JobDefinition } from "./job.js";
import { xAccess } from "./x-access.js";

/** The result of heal's reconcile step. */
export type HealReconcile = { stuck: 0 } | { stuck: number; skipped: string } | ({ stuck: number } & ReconcileSummary);

/** Reconciles stuck attempts when it is safe to open a browser now. */
export async function reconcileStuck(ctx: JobContext, heal: JobDefinition): Promise<HealReconcile> {
  const now = new Date(ctx.clock.now());
  const stuck = (await expiredOpenAttempts(ctx.db, ctx.config.XBOT_ACCOUNT_ID, now)).length;
  if (stuck === 0) return { stuck: 0 };
  if (ctx.mode === "shadow") return { stuck, skipped: "shadow mode never reads X" };
  for (const name of ["browser", "x"]) {
    if ((await ctx.state.readBreaker(name)).state !== "closed") return { stuck, skipped: `breaker ${name} is not closed` };
  }
  // The slot lives runLeaseMs (at most 60 s) and is renewed while reconcile runs, so a killed heal frees it within about a minute.
  const lease = await ctx.state.acquireLease(BROWSER_RESOURCE, ctx.runId, ctx.config.XBOT_BROWSER_SLOTS, runLeaseMs(heal));
  if (!lease.success) return { stuck, skipped: "no free browser slot" };
  const stop = keepRunLeased(ctx.state, { job: heal.name, runId: ctx.runId, lock: false, ttlMs: runLeaseMs(heal), leases: [{ resource: BROWSER_RESOURCE, slots: ctx.config.XBOT_BROWSER_SLOTS }] }, ctx.log);
  try {
    return { stuck, ...(await reconcile(ctx, await xAccess(ctx))) };
  } finally {
    await stop();
    await ctx.state.releaseLease(BROWSER_RESOURCE, ctx.runId);
  }
}
