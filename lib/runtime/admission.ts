/**
 * Turns a job and an invocation into the store's one-round-trip admission request, and
 * the run's outcome into the one-round-trip settlement. Only dependency faults count
 * toward breakers; a trial the run did not exercise is handed back untouched.
 */
import type { Config } from "../config.js";
import type { XbotError } from "../errors.js";
import { BREAKER_POLICIES, LEVEL_WHEN_OPEN, policyForFailure, resetOf } from "../resilience/policies.js";
import type { AdmitRefusal, AdmitRequest, SettleRequest } from "../state/store.js";
import { maxSuccessAgeMs, type JobCatalog } from "../jobs/catalog.js";
import { guardedDependencies, type JobSpec } from "../jobs/job.js";
import { BROWSER_RESOURCE, lockTtlMs, RUN_LEASE_MS, runLeaseMs } from "../jobs/leases.js";

export { BROWSER_RESOURCE, lockTtlMs, RUN_LEASE_MS, runLeaseMs };

/** How long a once-only delivery key is remembered. */
export const DEDUPE_TTL_MS = 24 * 3_600_000;
/** The admission request of a run. */
export function admitRequest(job: JobSpec, catalog: JobCatalog, config: Config, run: { runId: string; nowMs: number; deliveryId?: string; skipLock?: boolean }): AdmitRequest {
  const ttlMs = runLeaseMs(job);
  const leases = job.needs.includes("browser") ? [{ resource: BROWSER_RESOURCE, slots: config.XBOT_BROWSER_SLOTS, ttlMs }] : [];
  for (const b of job.budgets ?? []) leases.push({ resource: b.resource, slots: b.slots, ttlMs });
  return {
    job: job.name,
    runId: run.runId,
    nowMs: run.nowMs,
    ...(run.deliveryId ? { dedupeKey: `${job.name}:${run.deliveryId}` } : {}),
    dedupeTtlMs: DEDUPE_TTL_MS,
    ...(run.skipLock ? { skipLock: true } : {}),
    lockTtlMs: ttlMs,
    // A half-open trial is not renewed: it lives as long as the run may.
    trialTtlMs: lockTtlMs(job),
    breakers: guardedDependencies(job).map((name) => ({ name, policy: BREAKER_POLICIES[name] })),
    after: job.after.map((name) => ({ job: name, maxAgeMs: maxSuccessAgeMs(catalog.get(name)!) })),
    leases,
    minLevel: job.minLevel,
    levels: LEVEL_WHEN_OPEN,
  };
}

/** The skip reason string of a refusal, e.g. `breaker_open:browser`. */
export function refusalReason(refusal: AdmitRefusal): string {
  switch (refusal.reason) {
    case "breaker_open":
      return `breaker_open:${refusal.dependency}`;
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
export function settleRequest(job: JobSpec, run: { runId: string; nowMs: number; trials: readonly string[]; error: XbotError | null; heldLock: boolean }): SettleRequest {
  const guarded = guardedDependencies(job);
  const failedOn = run.error?.dependency ?? null;
  const outcomes: SettleRequest["outcomes"][number][] = [];
  const releaseTrials: string[] = [];
  if (!run.error) {
    for (const name of guarded) outcomes.push({ name, ok: true, trial: run.trials.includes(name), policy: BREAKER_POLICIES[name] });
  } else {
    if (failedOn) outcomes.push({ name: failedOn, ok: false, trial: run.trials.includes(failedOn), policy: policyForFailure(failedOn, run.error.code, resetOf(run.error.details, run.nowMs)) });
    releaseTrials.push(...run.trials.filter((t) => t !== failedOn));
  }
  return {
    job: job.name,
    runId: run.runId,
    nowMs: run.nowMs,
    status: run.error ? "failed" : "ok",
    releaseLock: run.heldLock,
    leases: [...(job.needs.includes("browser") ? [BROWSER_RESOURCE] : []), ...(job.budgets ?? []).map((b) => b.resource)],
    outcomes,
    releaseTrials,
    heartbeatTtlMs: Math.max(7 * 24 * 3_600_000, 3 * maxSuccessAgeMs(job)),
  };
}
