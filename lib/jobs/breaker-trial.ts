/**
 * The one audited path for breaker outcomes a job body decides itself, outside the runner's
 * settle: heal's probes of cooled-down breakers and plan's LLM calls. Both take the half-open
 * trial and record its outcome only through here, and every recorded outcome is logged
 * (`breaker.outcome`: breaker, ok, trial, the state it left, job and run), so a transition is
 * never made without a trace. The runner's own outcomes go through settle (lib/runtime).
 */
import type { BreakerPolicy, BreakerRecord } from "../state/breaker.js";
import type { TrialDecision } from "../state/store.js";
import type { JobContext } from "./context.js";

/** Asks for the half-open trial of `name` (success when the breaker is closed or the trial is now ours). */
export function takeBreakerTrial(ctx: JobContext, name: string, ttlMs: number): Promise<TrialDecision> {
  return ctx.state.acquireBreakerTrial(name, ctx.runId, ctx.clock.now(), ttlMs);
}

/** Records one outcome on breaker `name` under `policy`, and logs it. Returns the breaker as it is now. */
export async function recordBreakerOutcome(ctx: JobContext, name: string, outcome: { readonly ok: boolean; readonly trial: boolean }, policy: BreakerPolicy): Promise<BreakerRecord> {
  const record = await ctx.state.recordBreakerOutcome(name, outcome, policy, ctx.clock.now());
  ctx.log.info("breaker.outcome", { breaker: name, ok: outcome.ok, trial: outcome.trial, state: record.state, job: ctx.job, runId: ctx.runId });
  return record;
}
