/**
 * heal: the self-healing job. Removes expired state where the store does not expire it
 * itself, tries each breaker whose cool-down has passed with a probe (holding the one
 * half-open trial, so it never races a real job), flags stale heartbeats, and reconciles
 * posts stuck in flight (heal-reconcile.ts), and applies retention (heal-retention.ts). With the state store unreachable it does the
 * database-only part: claims abandoned before any attempt go back to the queue.
 */
import type { Dependency, ErrorCode } from "../errors.js";
import { BREAKER_POLICIES, policyForFailure } from "../resilience/policies.js";
import { breakerPhase } from "../state/breaker.js";
import { recordBreakerOutcome, takeBreakerTrial } from "./breaker-trial.js";
import { defineJob } from "./job.js";
import { JOB_SPECS } from "./specs.js";
import { jobHealth } from "./catalog.js";
import { hasProbe, probeDependency, type ProbeOutcome } from "./probes.js";
import type { JobContext } from "./context.js";
import { reconcileStuck } from "./heal-reconcile.js";
import { retentionStep } from "./heal-retention.js";
import { releaseAbandonedClaims } from "./heal-claims.js";

const DEPENDENCIES = new Set<string>(Object.keys(BREAKER_POLICIES));

/** The heal job. */
export const heal = defineJob({
  ...JOB_SPECS.heal,
  async run(ctx) {
    if (
      !(await ctx.state.ping().then(
        () => true,
        () => false,
      ))
    )
      return healWithoutState(ctx);
    const claimsReleased = await releaseAbandonedClaims(ctx);
    const swept = await ctx.state.sweepExpired();
    const probed = await probeCooledBreakers(ctx);
    const heartbeats = await ctx.state.readHeartbeats();
    const now = ctx.clock.now();
    const stale = ctx.catalog.jobs
      .filter((job) => {
        const beat = heartbeats[job.name];
        return beat !== undefined && !jobHealth(job, beat.lastSuccessAt, now).healthy;
      })
      .map((job) => job.name);
    if (stale.length > 0) ctx.log.warn("stale heartbeats", { stale });
    const reconciled = await reconcileStuck(ctx, heal);
    const retention = await retentionStep(ctx);
    return { swept, probed, stale, claimsReleased, reconciled, retention };
  },
});

async function healWithoutState(ctx: JobContext): Promise<Record<string, unknown>> {
  const orphansRequeued = await releaseAbandonedClaims(ctx);
  const retention = await retentionStep(ctx);
  ctx.log.warn("heal without the state store: only database repairs ran", { orphansRequeued });
  return { state: "unreachable", orphansRequeued, retention };
}

async function probeCooledBreakers(ctx: JobContext): Promise<Record<string, ProbeOutcome | "trial_in_progress">> {
  const now = ctx.clock.now();
  const breakers = await ctx.state.listBreakers();
  const out: Record<string, ProbeOutcome | "trial_in_progress"> = {};
  for (const [name, record] of Object.entries(breakers)) {
    if (!DEPENDENCIES.has(name) || !hasProbe(name as Dependency) || breakerPhase(record, now) !== "half_open") continue;
    const dependency = name as Dependency;
    const trial = await takeBreakerTrial(ctx, name, 60_000);
    if (!trial.trial) {
      out[name] = "trial_in_progress";
      continue;
    }
    const outcome = await probeDependency(ctx, dependency);
    out[name] = outcome;
    const ok = outcome.ok === true;
    const policy = outcome.ok === false ? policyForFailure(dependency, outcome.error.code as ErrorCode) : BREAKER_POLICIES[dependency];
    await recordBreakerOutcome(ctx, name, { ok, trial: true }, policy);
  }
  return out;
}
