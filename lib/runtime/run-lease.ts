/**
 * The live run's heartbeat on its job lock and leases. Admission grants them for
 * runLeaseMs(job) only (at most RUN_LEASE_MS, 60 s); while the body runs, this renews them
 * every quarter of that. A run that
 * dies (SIGKILL, a frozen instance) stops renewing, so the next cron tick finds the lock and
 * the browser slot free within about a minute. A renewal never takes what the run no longer
 * holds: the lock is extended only by its owner, and a lease only while still held.
 */
import type { Logger } from "../log.js";
import type { StateStore } from "../state/store.js";
import type { Config } from "../config.js";
import { admitRequest, runLeaseMs } from "./admission.js";
import type { JobCatalog } from "../jobs/catalog.js";
import type { JobDefinition } from "../jobs/job.js";

/** What to renew for one run. */
export interface RunLeaseTarget {
  readonly job: string;
  readonly runId: string;
  readonly lock: boolean;
  /** The TTL each renewal sets (the one admission granted). */
  readonly ttlMs: number;
  readonly leases: readonly { readonly resource: string; readonly slots: number }[];
}

/** The lock and leases admission gives a run of `job` (what the live run renews). */
export function runLeaseTarget(job: JobDefinition, deps: { catalog: JobCatalog; config: Config }, runId: string, skipLock: boolean): RunLeaseTarget {
  const leases = admitRequest(job, deps.catalog, deps.config, { runId, nowMs: 0 }).leases;
  return { job: job.name, runId, lock: !skipLock, ttlMs: runLeaseMs(job), leases: leases.map(({ resource, slots }) => ({ resource, slots })) };
}

/**
 * Starts renewing. The returned function stops it and waits for a renewal in flight: call it
 * BEFORE settling, so that no renewal can take a lease again after settle released it.
 */
export function keepRunLeased(state: StateStore, target: RunLeaseTarget, log: Logger, everyMs = target.ttlMs / 4): () => Promise<void> {
  if (!target.lock && target.leases.length === 0) return async () => undefined;
  let inFlight: Promise<void> | null = null;
  const timer = setInterval(() => {
    inFlight ??= renew(state, target, log).finally(() => { inFlight = null; });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}

async function renew(state: StateStore, target: RunLeaseTarget, log: Logger): Promise<void> {
  try {
    if (target.lock && !(await state.extendLock(target.job, target.runId, target.ttlMs))) {
      log.error("run lease: the job lock is no longer ours (it expired); another run may start", { job: target.job });
    }
    for (const lease of target.leases) {
      const held = await state.acquireLease(lease.resource, target.runId, lease.slots, target.ttlMs);
      if (!held.success) log.error("run lease: a lease expired and its slots are taken", { resource: lease.resource });
    }
  } catch (error) {
    log.warn("run lease: renewal failed; the lock and leases expire unless a later renewal succeeds", { error: error instanceof Error ? error.message : String(error) });
  }
}
