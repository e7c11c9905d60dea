/**
 * Turns a job and an invocation into the store's one-round-trip admission request, and
 * the run's outcome into the one-round-trip settlement. Only dependency faults count
 * toward breakers; a trial the run did not exercise is handed back untouched.
 */
import { accountScope, type Config } from "../config.js";
import type { XbotError } from "../errors.js";
import { BREAKER_POLICIES, LEVEL_WHEN_OPEN, policyForFailure, resetOf } from "../resilience/policies.js";
import type { AdmitRefusal, AdmitRequest, SettleRequest } from "../state/store.js";
import { breakerFor, breakerScope, scopedName } from "../state/keys.js";
import { maxSuccessAgeMs, type JobCatalog } from "../jobs/catalog.js";
import { guardedDependencies, type JobSpec } from "../jobs/job.js";
import { BROWSER_RESOURCE, lockTtlMs, RUN_LEASE_MS, runLeaseMs } from "../jobs/leases.js";

export { BROWSER_RESOURCE, lockTtlMs, RUN_LEASE_MS, runLeaseMs };

/** How long a once-only delivery key is remembered. */
export const DEDUPE_TTL_MS = 24 * 3_600_000;
/**
 * The admission request of a run. For an account's run (Config.account.scope) the job lock is
 * per job and account and the `x` breaker is the account's own (`x@<id>`, keys.ts); the env's
 * single account keeps today's names. Browser slots and the other breakers are shared.
 */
export function admitRequest(job: JobSpec, catalog: JobCatalog, config: Config, run: { runId: string; nowMs: number; deliveryId?: string; skipLock?: boolean }): AdmitRequest {
  const ttlMs = runLeaseMs(job);
  const scope = accountScope(config);
  const leases = job.needs.includes("browser") ? [{ resource: BROWSER_RESOURCE, slots: config.XBOT_BROWSER_SLOTS, ttlMs }] : [];
  for (const b of job.budgets ?? []) leases.push({ resource: b.resource, slots: b.slots, ttlMs });
  return {
    job: job.name,
    runId: run.runId,
    nowMs: run.nowMs,
    ...(run.deliveryId ? { dedupeKey: `${scopedName(job.name, scope)}:${run.deliveryId}` } : {}),
    dedupeTtlMs: DEDUPE_TTL_MS,
    ...(run.skipLock ? { skipLock: true } : {}),
    ...(scope ? { lockName: scopedName(job.name, scope) } : {}),
    lockTtlMs: ttlMs,
    // A half-open trial is not renewed: it lives as long as the run may.
    trialTtlMs: lockTtlMs(job),
    breakers: guardedDependencies(job).map((name) => ({ name: breakerFor(name, scope), policy: BREAKER_POLICIES[name] })),
    after: job.after.map((name) => ({ job: name, maxAgeMs: maxSuccessAgeMs(catalog.get(name)!) })),
    leases,
    minLevel: job.minLevel,
    levels: levelsFor(scope),
  };
}

/** The service levels an account's run is judged by: the shared breakers' and its own per-account ones (never another account's). */
export function levelsFor(scope: string | undefined): Readonly<Record<string, number>> {
  if (!scope) return LEVEL_WHEN_OPEN;
  const levels: Record<string, number> = {};
  for (const [name, level] of Object.entries(LEVEL_WHEN_OPEN)) levels[breakerFor(name, scope)] = level;
  return levels;
}

/** The skip reason string of a refusal, e.g. `breaker_open:browser`. */
export function refusalReason(refusal: AdmitRefusal): string {
  switch (refusal.reason) {
    case "breaker_open":
      // An account's own breaker (`x@acme`) is reported under its dependency: the run's row names the account.
      return `breaker_open:${breakerScope(refusal.dependency).dependency}`;
    case "dependency_unhealthy":
      return `dependency_unhealthy:${refusal.job}`;
    case "budget_exhausted":
      return `budget_exhausted:${refusal.resource}`;
    case "degraded":
      return `degraded:level_${refusal.level}`;
    default:
      return refusal.reason;
  }
}

/** The settlement of a run that was admitted. */
export function settleRequest(job: JobSpec, run: { runId: string; nowMs: number; trials: readonly string[]; error: XbotError | null; heldLock: boolean; scope?: string | undefined }): SettleRequest {
  const dependency = run.error?.dependency ?? null;
  const failedOn = dependency ? breakerFor(dependency, run.scope) : null;
  const outcomes: SettleRequest["outcomes"][number][] = [];
  const releaseTrials: string[] = [];
  if (!run.error) {
    for (const dep of guardedDependencies(job)) {
      const name = breakerFor(dep, run.scope);
      outcomes.push({ name, ok: true, trial: run.trials.includes(name), policy: BREAKER_POLICIES[dep] });
    }
  } else {
    if (failedOn && dependency)
      outcomes.push({ name: failedOn, ok: false, trial: run.trials.includes(failedOn), policy: policyForFailure(dependency, run.error.code, resetOf(run.error.details, run.nowMs)) });
    releaseTrials.push(...run.trials.filter((t) => t !== failedOn));
  }
  return {
    job: job.name,
    runId: run.runId,
    nowMs: run.nowMs,
    status: run.error ? "failed" : "ok",
    releaseLock: run.heldLock,
    ...(run.scope ? { lockName: scopedName(job.name, run.scope) } : {}),
    leases: [...(job.needs.includes("browser") ? [BROWSER_RESOURCE] : []), ...(job.budgets ?? []).map((b) => b.resource)],
    outcomes,
    releaseTrials,
    heartbeatTtlMs: Math.max(7 * 24 * 3_600_000, 3 * maxSuccessAgeMs(job)),
  };
}
