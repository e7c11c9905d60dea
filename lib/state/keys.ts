/**
 * Every state key xbot uses is built here, and nowhere else. All keys share the
 * deployment's prefix (XBOT_PREFIX), so several deployments can share one Redis.
 */

/** Key builders for one prefix. */
export interface StateKeys {
  readonly prefix: string;
  lock(name: string): string;
  lease(resource: string): string;
  breaker(name: string): string;
  breakerTrial(name: string): string;
  heartbeat(job: string): string;
  counter(name: string): string;
  once(id: string): string;
  value(name: string): string;
  /** Prefix under which all breakers live (for listing). */
  readonly breakerPrefix: string;
  /** Prefix under which all heartbeats live (for listing). */
  readonly heartbeatPrefix: string;
  /** Redis hash of every breaker record, by name. */
  readonly breakerHash: string;
  /** Redis hash of every heartbeat, by job. */
  readonly heartbeatHash: string;
}

const SAFE = /^[A-Za-z0-9_.:@/-]{1,200}$/;

function part(value: string): string {
  if (!SAFE.test(value)) throw new Error(`invalid state key part ${JSON.stringify(value)}`);
  return value;
}

/**
 * Per-account names. An account from the `accounts` table has a scope (its id, see
 * Config.account.scope); the env's single account has none and keeps today's names. What is
 * per account: the job lock (per job AND account), the `x` breaker (its escalation memory lives
 * in its record, so it is per account too), the X visit counters. What is shared on purpose:
 * browser slots, the db, state and llm breakers, the LLM and X API budgets.
 */
export const PER_ACCOUNT_BREAKERS: ReadonlySet<string> = new Set(["x"]);

/** `name` within an account scope: `name@scope`, or `name` itself without a scope. */
export function scopedName(name: string, scope: string | undefined): string {
  return scope ? `${name}@${part(scope)}` : name;
}

/** The breaker of dependency `dependency` for an account scope (`x@acme`); shared breakers keep their name. */
export function breakerFor(dependency: string, scope: string | undefined): string {
  return PER_ACCOUNT_BREAKERS.has(dependency) ? scopedName(dependency, scope) : dependency;
}

/** The dependency and account scope of a breaker name (`x@acme` → x, acme). */
export function breakerScope(name: string): { dependency: string; scope?: string } {
  const at = name.indexOf("@");
  return at < 0 ? { dependency: name } : { dependency: name.slice(0, at), scope: name.slice(at + 1) };
}

/** The breakers one account sees, under their dependency names: the shared ones and its own `x` (not another account's). */
export function breakersOfScope<T>(all: Readonly<Record<string, T>>, scope: string | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [name, record] of Object.entries(all)) {
    const b = breakerScope(name);
    if (PER_ACCOUNT_BREAKERS.has(b.dependency) ? b.scope === scope : b.scope === undefined) out[b.dependency] = record;
  }
  return out;
}

/** Counter name of one job's logged-in page loads on X on the UTC day of `nowMs` (per account scope). */
export function visitsCounter(nowMs: number, job: string, scope?: string): string {
  return scopedName(`x-visits:${new Date(nowMs).toISOString().slice(0, 10)}:${job}`, scope);
}

/** Counter name of all logged-in page loads on X on the UTC day of `nowMs` (the daily cap's, per account scope). */
export function visitsTotalCounter(nowMs: number, scope?: string): string {
  return scopedName(`x-visits:${new Date(nowMs).toISOString().slice(0, 10)}:total`, scope);
}

/** Once-key name of the ghost scan (reconcile), one per account and period (jobs/cadence.ts). */
export const GHOST_SCAN_ONCE = "ghost-scan";

/** Once-key name of the replies job's mention poll, one per account and period (jobs/cadence.ts). */
export const REPLIES_POLL_ONCE = "replies-poll";

/** Value name of the X API's authenticated user for a token fingerprint (`xapi-me:<fp>`). */
export function xApiMeValue(fingerprint: string): string {
  return `xapi-me:${part(fingerprint)}`;
}

/** The once-only id of a QStash token (its signed `jti`), passed to `claimOnce`. */
export function tokenOnceId(jti: string): string {
  return `qstash-jti:${part(jti)}`;
}

/** Builds the keys of one deployment prefix. */
export function stateKeys(prefix: string): StateKeys {
  const p = part(prefix);
  return {
    prefix: p,
    lock: (name) => `${p}:lock:${part(name)}`,
    lease: (resource) => `${p}:lease:${part(resource)}`,
    breaker: (name) => `${p}:breaker:${part(name)}`,
    breakerTrial: (name) => `${p}:breaker-trial:${part(name)}`,
    heartbeat: (job) => `${p}:hb:${part(job)}`,
    counter: (name) => `${p}:counter:${part(name)}`,
    once: (id) => `${p}:once:${part(id)}`,
    value: (name) => `${p}:value:${part(name)}`,
    breakerPrefix: `${p}:breaker:`,
    heartbeatPrefix: `${p}:hb:`,
    breakerHash: `${p}:breakers`,
    heartbeatHash: `${p}:heartbeats`,
  };
}

/** Builds the JSON request both stores' admission scripts take (keys resolved here; a trial lives as long as the run's lock). */
export function admitPayload(keys: StateKeys, r: import("./store.js").AdmitRequest): Record<string, unknown> {
  return {
    ...common(keys, r.job, r.nowMs, r.runId),
    ...(r.dedupeKey ? { dedupeKey: keys.once(r.dedupeKey), dedupeTtlMs: r.dedupeTtlMs } : {}),
    ...(r.skipLock ? {} : { lockKey: keys.lock(r.lockName ?? r.job), lockTtlMs: r.lockTtlMs }),
    breakers: r.breakers.map((b) => ({ name: b.name, key: keys.breaker(b.name), trialKey: keys.breakerTrial(b.name), trialTtlMs: r.trialTtlMs ?? r.lockTtlMs })),
    after: r.after.map((a) => ({ job: a.job, key: keys.heartbeat(a.job), maxAgeMs: a.maxAgeMs })),
    leases: r.leases.map((l) => ({ resource: l.resource, key: keys.lease(l.resource), slots: l.slots, ttlMs: l.ttlMs })),
    minLevel: r.minLevel,
    levels: r.levels,
    breakerPrefix: keys.breakerPrefix,
  };
}

/** Builds the JSON request both stores' settlement scripts take. */
export function settlePayload(keys: StateKeys, r: import("./store.js").SettleRequest): Record<string, unknown> {
  return {
    ...common(keys, r.job, r.nowMs, r.runId),
    status: r.status,
    heartbeatKey: keys.heartbeat(r.job),
    heartbeatTtlMs: r.heartbeatTtlMs,
    ...(r.releaseLock ? { lockKey: keys.lock(r.lockName ?? r.job) } : {}),
    leaseKeys: r.leases.map((l) => keys.lease(l)),
    releaseTrials: r.releaseTrials.map((name) => keys.breakerTrial(name)),
    outcomes: r.outcomes.map((o) => ({ name: o.name, key: keys.breaker(o.name), trialKey: keys.breakerTrial(o.name), ok: o.ok, trial: o.trial, policy: o.policy })),
  };
}

function common(keys: StateKeys, job: string, nowMs: number, runId: string): Record<string, unknown> {
  return { job, nowMs, owner: runId, breakerHash: keys.breakerHash, heartbeatHash: keys.heartbeatHash };
}

/** Every key named anywhere in a payload (Redis scripts must declare all keys in KEYS). */
export function payloadKeys(keys: StateKeys, payload: unknown, out: Set<string> = new Set()): string[] {
  if (typeof payload === "string" && payload.startsWith(`${keys.prefix}:`)) out.add(payload);
  else if (Array.isArray(payload)) for (const v of payload) payloadKeys(keys, v, out);
  else if (payload && typeof payload === "object") for (const v of Object.values(payload)) payloadKeys(keys, v, out);
  return [...out];
}

/** Counter holding when the database was first found down (epoch ms; 0 when it is not), for the db_down incident. */
export const DB_DOWN_SINCE = "db-down:since";

/** Counter marking the db_down opening (since `sinceMs`), or a later `stage` (a reminder), delivered to one alert target. */
export function dbDownSentCounter(sinceMs: number, targetId: string, stage?: string): string {
  return `db-down:sent:${sinceMs}:${part(targetId)}${stage ? `:${part(stage)}` : ""}`;
}

/** Once-key of writing the db_down incident (since `sinceMs`) to the database when it answers again. */
export function dbDownSettleOnce(sinceMs: number): string {
  return `db-down:settle:${sinceMs}`;
}
