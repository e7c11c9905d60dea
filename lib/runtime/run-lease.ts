/**
 * The live run's heartbeat on its job lock and leases. Admission grants them for
 * RUN_LEASE_MS only; while the body runs, this renews them every quarter of that. A run that
 * dies (SIGKILL, a frozen instance) stops renewing, so the next cron tick finds the lock and
 * the browser slot free within about a minute. A renewal never takes what the run no longer
 * holds: the lock is extended only by its owner, and a lease only while still held.
 */
import type { Logger } from "../log.js";
import type { StateStore } from "../state/store.js";
import { RUN_LEASE_MS } from "./admission.js";

/** What to renew for one run. */
export interface RunLeaseTarget {
  readonly job: string;
  readonly runId: string;
  readonly lock: boolean;
  readonly leases: readonly { readonly resource: string; readonly slots: number }[];
}

/**
 * Starts renewing. The returned function stops it and waits for a renewal in flight: call it
 * BEFORE settling, so that no renewal can take a lease again after settle released it.
 */
export function keepRunLeased(state: StateStore, target: RunLeaseTarget, log: Logger, everyMs = RUN_LEASE_MS / 4): () => Promise<void> {
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
    if (target.lock && !(await state.extendLock(target.job, target.runId, RUN_LEASE_MS))) {
      log.error("run lease: the job lock is no longer ours (it expired); another run may start", { job: target.job });
    }
    for (const lease of target.leases) {
      const held = await state.acquireLease(lease.resource, target.runId, lease.slots, RUN_LEASE_MS);
      if (!held.success) log.error("run lease: a lease expired and its slots are taken", { resource: lease.resource });
    }
  } catch (error) {
    log.warn("run lease: renewal failed; the lock and leases expire unless a later renewal succeeds", { error: error instanceof Error ? error.message : String(error) });
  }
}
