/**
 * How long a run holds its job lock and leases, and the renewal that keeps them while the body
 * runs. Admission grants them for runLeaseMs(job) only (at most RUN_LEASE_MS, 60 s); the live
 * run renews them every quarter of that. A run that dies (SIGKILL, a frozen instance) stops
 * renewing, so the next cron tick finds the lock and the browser slot free within about a
 * minute. A renewal never takes what the run no longer holds: the lock is extended only by its
 * owner, and a lease only while still held. Used by the runner (lib/runtime) and by heal.
 */
import type { Logger } from "../log.js";
import type { StateStore } from "../state/store.js";
import type { JobSpec } from "./job.js";

/** Lock and lease lifetime: maxDuration plus a quarter of it (at most 30 s) for settle after a deadline. */
export function lockTtlMs(job: JobSpec): number {
  return job.maxDurationMs + Math.min(30_000, Math.ceil(job.maxDurationMs / 4));
}

/**
 * How long a run's lock and leases live without being renewed. The live run renews them
 * ({@link keepRunLeased}) every quarter of this, so a run killed with SIGKILL frees its job lock and
 * browser slot within about a minute instead of its whole maxDuration.
 */
export const RUN_LEASE_MS = 60_000;

/** The lock and lease TTL given at admission: {@link lockTtlMs}, at most {@link RUN_LEASE_MS}. */
export function runLeaseMs(job: JobSpec): number {
  return Math.min(lockTtlMs(job), RUN_LEASE_MS);
}

/** The browser slot budget resource name. */
export const BROWSER_RESOURCE = "browser";

/** What to renew for one run. */
export interface RunLeaseTarget {
  readonly job: string;
  readonly runId: string;
  readonly lock: boolean;
  /** The lock's name when it is not `job` (an account's run: `job@account`). */
  readonly lockName?: string;
  /** The TTL each renewal sets (the one admission granted). */
  readonly ttlMs: number;
  readonly leases: readonly { readonly resource: string; readonly slots: number }[];
}

/**
 * Starts renewing. The returned function stops it and waits for a renewal in flight: call it
 * BEFORE settling, so that no renewal can take a lease again after settle released it.
 */
export function keepRunLeased(state: StateStore, target: RunLeaseTarget, log: Logger, everyMs = target.ttlMs / 4): () => Promise<void> {
  if (!target.lock && target.leases.length === 0) return async () => undefined;
  let inFlight: Promise<void> | null = null;
  const timer = setInterval(() => {
    inFlight ??= renew(state, target, log).finally(() => {
      inFlight = null;
    });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}

async function renew(state: StateStore, target: RunLeaseTarget, log: Logger): Promise<void> {
  try {
    if (target.lock && !(await state.extendLock(target.lockName ?? target.job, target.runId, target.ttlMs))) {
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
