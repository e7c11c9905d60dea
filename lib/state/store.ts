/**
 * The StateStore port: cross-invocation state as domain operations, never raw commands.
 * Implementations: Redis via @upstash/redis (production) and Postgres via the Neon
 * driver (embedded default, Redis-less deployments). Both pass tests/integration/state-contract.
 *
 * Time: TTLs use the store's own clock. Breaker timestamps use the caller's `nowMs`, so
 * cool-downs can be driven by a simulated clock in tests.
 */
import type { BreakerPolicy, BreakerRecord } from "./breaker.js";

/** Result of asking for one of N slots of a resource. */
export interface LeaseDecision {
  /** True when a slot is now held by the holder (or already was). */
  readonly success: boolean;
  /** Live leases after the call, including this one when granted. */
  readonly used: number;
  /** The slot limit that was applied. */
  readonly slots: number;
}

/** Result of asking to run the single half-open trial of a breaker. */
export interface TrialDecision {
  /** True when the caller may proceed (breaker closed, or it now holds the trial). */
  readonly success: boolean;
  /** True when the caller holds the half-open trial and must report its outcome. */
  readonly trial: boolean;
  /** Why not, when refused. */
  readonly reason?: "open" | "isolated" | "trial_in_progress";
  /** The breaker as it was seen. */
  readonly breaker: BreakerRecord;
}

/** A liveness/progress record a job writes after each run. */
export interface Heartbeat {
  readonly at: number;
  readonly lastSuccessAt: number | null;
  readonly status: string;
}

/** One breaker named in an admission request, with the policy that governs it. */
export interface AdmitBreaker {
  readonly name: string;
  readonly policy: BreakerPolicy;
}

/** Everything the runner needs decided before a job body runs: ONE round trip. */
export interface AdmitRequest {
  readonly job: string;
  readonly runId: string;
  readonly nowMs: number;
  /** Once-only key for a delivery id (QStash message id, Schedules execution id). */
  readonly dedupeKey?: string;
  readonly dedupeTtlMs: number;
  /** Skip the job lock (tests of the claim protocol only). */
  readonly skipLock?: boolean;
  /** The job lock's name (default `job`): `job@account` for an account's run (keys.ts scopedName). */
  readonly lockName?: string;
  readonly lockTtlMs: number;
  /** How long a half-open trial taken here is held (default `lockTtlMs`). */
  readonly trialTtlMs?: number;
  readonly breakers: readonly AdmitBreaker[];
  /** Jobs this one runs after, with the largest acceptable age of their last success. */
  readonly after: readonly { readonly job: string; readonly maxAgeMs: number }[];
  readonly leases: readonly { readonly resource: string; readonly slots: number; readonly ttlMs: number }[];
  /**
   * Service level the job needs (3 = full ... 0 = survival). The current level is the lowest
   * `levels[name]` among breakers that are not closed (unlisted names: 3).
   */
  readonly minLevel: number;
  readonly levels: Readonly<Record<string, number>>;
}

/** Why admission refused; the runner reports it as `skipped` with this reason. */
export type AdmitRefusal =
  | { readonly reason: "duplicate" }
  | { readonly reason: "degraded"; readonly level: number }
  | { readonly reason: "locked" }
  | { readonly reason: "breaker_open"; readonly dependency: string; readonly retryAtMs: number | null }
  | { readonly reason: "dependency_unhealthy"; readonly job: string }
  | { readonly reason: "budget_exhausted"; readonly resource: string };

/** Decision object of {@link StateStore.admit}: nothing is held when `success` is false. */
export type AdmitDecision = { readonly success: true; readonly trials: readonly string[]; readonly breakers: Readonly<Record<string, BreakerRecord>> } | ({ readonly success: false } & AdmitRefusal);

/** Everything the runner writes after a job body: ONE round trip. */
export interface SettleRequest {
  readonly job: string;
  readonly runId: string;
  readonly nowMs: number;
  readonly status: "ok" | "failed";
  readonly releaseLock: boolean;
  /** The job lock's name (default `job`), as admitted. */
  readonly lockName?: string;
  readonly leases: readonly string[];
  /** Breaker outcomes; `trial` marks the half-open trial this run held. */
  readonly outcomes: readonly { readonly name: string; readonly ok: boolean; readonly trial: boolean; readonly policy: BreakerPolicy }[];
  /** Half-open trials this run held but did not exercise: handed back without a transition. */
  readonly releaseTrials: readonly string[];
  readonly heartbeatTtlMs: number;
}

/** Cross-invocation state. Every method is atomic on its own. */
export interface StateStore {
  /** Which implementation this is. */
  readonly kind: "redis" | "postgres";

  /** Takes a lock if free (or expired). True when `owner` now holds it. */
  acquireLock(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends a lock only if `owner` still holds it. */
  extendLock(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Releases a lock only if `owner` holds it. True when released. */
  releaseLock(key: string, owner: string): Promise<boolean>;

  /** Takes one of `slots` leases on a resource for `ttlMs`. Idempotent per holder. */
  acquireLease(resource: string, holder: string, slots: number, ttlMs: number): Promise<LeaseDecision>;
  /** Releases a holder's lease; a no-op when not held. */
  releaseLease(resource: string, holder: string): Promise<void>;
  /** Live (unexpired) leases on a resource. */
  countLeases(resource: string): Promise<number>;

  /** Reads a breaker (closed when never seen). */
  readBreaker(name: string): Promise<BreakerRecord>;
  /** Reads every breaker that has ever been written. */
  listBreakers(): Promise<Record<string, BreakerRecord>>;
  /**
   * Asks to call through a breaker. Closed: proceed. Open and cooling: refused. Open and
   * cooled: exactly ONE caller across all invocations gets the trial until it reports or
   * `trialTtlMs` passes.
   */
  acquireBreakerTrial(name: string, holder: string, nowMs: number, trialTtlMs: number): Promise<TrialDecision>;
  /** Records an outcome atomically and returns the new record. */
  recordBreakerOutcome(name: string, outcome: { ok: boolean; trial: boolean }, policy: BreakerPolicy, nowMs: number): Promise<BreakerRecord>;
  /** Forces a breaker open until reset (operator action). */
  isolateBreaker(name: string, nowMs: number): Promise<BreakerRecord>;
  /** Forces a breaker closed and clears its history (operator action). */
  resetBreaker(name: string): Promise<BreakerRecord>;

  /** Writes a job heartbeat. */
  setHeartbeat(job: string, heartbeat: Heartbeat, ttlMs: number): Promise<void>;
  /** Reads all live heartbeats keyed by job. */
  readHeartbeats(): Promise<Record<string, Heartbeat>>;

  /** Adds `by` to a windowed counter; the window starts at the first increment. Returns the new value. */
  /**
   * Adds `by` to a windowed counter only if the total stays <= `cap`, atomically (a budget
   * many runs draw on at once never goes past its cap). `total` is the counter after the call.
   */
  reserveCounter(key: string, by: number, cap: number, windowMs: number): Promise<{ granted: boolean; total: number }>;
  incrementCounter(key: string, by: number, windowMs: number): Promise<number>;
  /** Reads a windowed counter (0 when absent or expired). */
  readCounter(key: string): Promise<number>;

  /** Stores a JSON value under `key` for `ttlMs` (replacing any). */
  putValue(key: string, value: unknown, ttlMs: number): Promise<void>;
  /** The live JSON value under `key`, or null when absent or expired. */
  readValue<T>(key: string): Promise<T | null>;
  /** Removes the value under `key` (no-op when absent). */
  deleteValue(key: string): Promise<void>;

  /** Set-if-absent with TTL. True the first time a key is seen within its TTL. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;

  /** The runner's admission: dedupe, lock, breakers, after-health, leases. All or nothing. */
  admit(request: AdmitRequest): Promise<AdmitDecision>;
  /** The runner's settlement: heartbeat, breaker outcomes, lease and lock release. */
  settle(request: SettleRequest): Promise<void>;

  /** Removes expired entries where the store does not expire them itself. Returns how many. */
  sweepExpired(): Promise<number>;
  /** A cheap round trip proving the store answers. */
  ping(): Promise<void>;
}
