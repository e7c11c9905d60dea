/**
 * heal's part of reconciliation: when attempts are stuck open past their lease (or claims
 * were abandoned), run one reconcile pass, but only when the browser and x breakers are
 * closed and a browser slot is free. heal never waits on X: otherwise it leaves the work
 * to the reconcile job.
 */
import { expiredOpenAttempts } from "../db/attempts.js";
import { reconcile, type ReconcileSummary } from "../posting/reconcile.js";
import { BROWSER_RESOURCE, keepRunLeased, runLeaseMs } from "./leases.js";
import type { JobContext } from "./context.js";
import type { JobDefinition } from "./job.js";
import { xAccess } from "./x-access.js";
import { accountScope } from "../config.js";
import { breakerFor, breakersOfScope, scopedName } from "../state/keys.js";

/** The lock that lets one heal run at a time reconcile (held with the browser slot, taken in the same admission). */
const RECONCILE_LOCK = "heal:reconcile";

/** The result of heal's reconcile step. */
export type HealReconcile = { stuck: 0 } | { stuck: number; skipped: string } | ({ stuck: number } & ReconcileSummary);

/** Reconciles stuck attempts when it is safe to open a browser now. */
export async function reconcileStuck(ctx: JobContext, heal: JobDefinition): Promise<HealReconcile> {
  const now = new Date(ctx.clock.now());
  const stuck = (await expiredOpenAttempts(ctx.db, ctx.config.XBOT_ACCOUNT_ID, now)).length;
  if (stuck === 0) return { stuck: 0 };
  if (ctx.mode === "shadow") return { stuck, skipped: "shadow mode never reads X" };
  // ONE atomic admission: the browser and x breakers closed (either one not closed leaves level 0),
  // the reconcile lock (one heal run reconciles at a time) and a browser slot, all or nothing.
  // The lock and slot live runLeaseMs (at most 60 s) and are renewed while reconcile runs, so a killed heal frees them within about a minute.
  const ttlMs = runLeaseMs(heal);
  // Per account (lib/state/keys.ts): its own reconcile lock and its own x breaker; the browser slots are shared.
  const scope = accountScope(ctx.config);
  const lock = scopedName(RECONCILE_LOCK, scope);
  const admitted = await ctx.state.admit({
    job: lock,
    runId: ctx.runId,
    nowMs: now.getTime(),
    dedupeTtlMs: 0,
    lockTtlMs: ttlMs,
    breakers: [],
    after: [],
    leases: [{ resource: BROWSER_RESOURCE, slots: ctx.config.XBOT_BROWSER_SLOTS, ttlMs }],
    minLevel: 1,
    levels: { browser: 0, [breakerFor("x", scope)]: 0 },
  });
  if (!admitted.success) return { stuck, skipped: await refusal(ctx, admitted.reason) };
  const stop = keepRunLeased(ctx.state, { job: lock, runId: ctx.runId, lock: true, ttlMs, leases: [{ resource: BROWSER_RESOURCE, slots: ctx.config.XBOT_BROWSER_SLOTS }] }, ctx.log);
  try {
    await ctx.checkpoint("heal:reconciling");
    return { stuck, ...(await reconcile(ctx, await xAccess(ctx))) };
  } finally {
    await stop();
    await ctx.state.releaseLease(BROWSER_RESOURCE, ctx.runId);
    await ctx.state.releaseLock(lock, ctx.runId);
  }
}

/** Why admission refused, as heal reports it (the breaker's name is read afterwards, for the message only). */
async function refusal(ctx: JobContext, reason: string): Promise<string> {
  if (reason === "locked") return "another heal run is reconciling";
  if (reason === "budget_exhausted") return "no free browser slot";
  const breakers = breakersOfScope(await ctx.state.listBreakers(), accountScope(ctx.config));
  const name = ["browser", "x"].find((n) => breakers[n] !== undefined && breakers[n].state !== "closed") ?? "browser or x";
  return `breaker ${name} is not closed`;
}
