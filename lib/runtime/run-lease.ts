/**
 * The run lease of one job run: the lock and leases admission gives it, which the live run
 * renews (keepRunLeased, lib/jobs/leases.ts) until it settles.
 */
import type { Config } from "../config.js";
import { admitRequest } from "./admission.js";
import type { JobCatalog } from "../jobs/catalog.js";
import type { JobDefinition } from "../jobs/job.js";
import { keepRunLeased, runLeaseMs, type RunLeaseTarget } from "../jobs/leases.js";

export { keepRunLeased, type RunLeaseTarget };

/** The lock and leases admission gives a run of `job` (what the live run renews). */
export function runLeaseTarget(job: JobDefinition, deps: { catalog: JobCatalog; config: Config }, runId: string, skipLock: boolean): RunLeaseTarget {
  const { leases, lockName } = admitRequest(job, deps.catalog, deps.config, { runId, nowMs: 0 });
  return { job: job.name, runId, lock: !skipLock, ...(lockName ? { lockName } : {}), ttlMs: runLeaseMs(job), leases: leases.map(({ resource, slots }) => ({ resource, slots })) };
}
