/**
 * StateStore on Redis through @upstash/redis (HTTP, no pool). Every operation is a single
 * command or one Lua script (lua.ts): one round trip, atomic. Failures to reach Redis
 * become `state_unavailable`, which counts against the `state` breaker.
 */
import { Redis } from "@upstash/redis";
import { XbotError } from "../errors.js";
import { CLOSED_BREAKER, type BreakerPolicy, type BreakerRecord } from "./breaker.js";
import { admitPayload, payloadKeys, settlePayload, stateKeys, type StateKeys } from "./keys.js";
import { luaScript, type LuaOp } from "./lua.js";
import type { AdmitDecision, AdmitRequest, Heartbeat, LeaseDecision, SettleRequest, StateStore, TrialDecision } from "./store.js";

/** Connection settings of {@link RedisStateStore.create}. */
export interface RedisStateOptions {
  readonly url: string;
  readonly token: string;
  readonly prefix: string;
  /** Retries on network errors inside one call. Default 1: breakers, not retries, handle outages. */
  readonly retries?: number;
}

type Script = ReturnType<Redis["createScript"]>;

/** A Redis-backed StateStore for one key prefix. */
export class RedisStateStore implements StateStore {
  /** @inheritdoc */
  readonly kind = "redis" as const;
  private readonly keys: StateKeys;
  private readonly scripts = new Map<LuaOp, Script>();

  private constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = stateKeys(prefix);
  }

  /** Creates the store. Nothing is sent until the first call. */
  static create(options: RedisStateOptions): RedisStateStore {
    const retries = options.retries ?? 1;
    const redis = new Redis({
      url: options.url,
      token: options.token,
      automaticDeserialization: false,
      enableTelemetry: false,
      retry: retries > 0 ? { retries, backoff: (n) => 50 * 2 ** n } : false,
    });
    return new RedisStateStore(redis, options.prefix);
  }

  async acquireLock(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const k = this.keys.lock(key);
    return (await this.run<number>("tryLock", [k], { key: k, owner, ttlMs })) === 1;
  }

  async extendLock(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const k = this.keys.lock(key);
    return (await this.run<number>("extendLock", [k], { key: k, owner, ttlMs })) === 1;
  }

  async releaseLock(key: string, owner: string): Promise<boolean> {
    const k = this.keys.lock(key);
    return (await this.run<number>("releaseLock", [k], { key: k, owner })) === 1;
  }

  async acquireLease(resource: string, holder: string, slots: number, ttlMs: number): Promise<LeaseDecision> {
    const k = this.keys.lease(resource);
    return JSON.parse(await this.run<string>("acquireLease", [k], { key: k, holder, slots, ttlMs, nowMs: Date.now() })) as LeaseDecision;
  }

  releaseLease(resource: string, holder: string): Promise<void> {
    return this.call(async () => void (await this.redis.zrem(this.keys.lease(resource), holder)));
  }

  async countLeases(resource: string): Promise<number> {
    const k = this.keys.lease(resource);
    return Number(await this.run<number>("countLeases", [k], { key: k, nowMs: Date.now() }));
  }

  readBreaker(name: string): Promise<BreakerRecord> {
    return this.call(async () => {
      const raw = await this.redis.hget<string>(this.keys.breakerHash, name);
      return raw ? (JSON.parse(raw) as BreakerRecord) : CLOSED_BREAKER;
    });
  }

  listBreakers(): Promise<Record<string, BreakerRecord>> {
    return this.call(async () => parseHash<BreakerRecord>((await this.redis.hgetall(this.keys.breakerHash)) as Record<string, string> | string[] | null));
  }

  async acquireBreakerTrial(name: string, holder: string, nowMs: number, trialTtlMs: number): Promise<TrialDecision> {
    const hash = this.keys.breakerHash;
    const trialKey = this.keys.breakerTrial(name);
    return JSON.parse(await this.run<string>("breakerTrial", [hash, trialKey], { hash, name, trialKey, holder, nowMs, ttlMs: trialTtlMs })) as TrialDecision;
  }

  async recordBreakerOutcome(name: string, outcome: { ok: boolean; trial: boolean }, policy: BreakerPolicy, nowMs: number): Promise<BreakerRecord> {
    const hash = this.keys.breakerHash;
    const trialKey = this.keys.breakerTrial(name);
    const args = { hash, name, trialKey, ok: outcome.ok, trial: outcome.trial, policy, nowMs };
    return JSON.parse(await this.run<string>("breakerRecord", [hash, trialKey], args)) as BreakerRecord;
  }

  isolateBreaker(name: string, nowMs: number): Promise<BreakerRecord> {
    const record: BreakerRecord = { state: "isolated", failures: 0, opens: 0, openedAtMs: nowMs };
    return this.call(async () => {
      await this.redis.hset(this.keys.breakerHash, { [name]: JSON.stringify(record) });
      return record;
    });
  }

  resetBreaker(name: string): Promise<BreakerRecord> {
    return this.call(async () => {
      await this.redis.multi().hdel(this.keys.breakerHash, name).del(this.keys.breakerTrial(name)).exec();
      return CLOSED_BREAKER;
    });
  }

  setHeartbeat(job: string, heartbeat: Heartbeat, ttlMs: number): Promise<void> {
    const value = JSON.stringify({ ...heartbeat, expiresAtMs: Date.now() + ttlMs });
    return this.call(async () => void (await this.redis.hset(this.keys.heartbeatHash, { [job]: value })));
  }

  readHeartbeats(): Promise<Record<string, Heartbeat>> {
    return this.call(async () => {
      const all = parseHash<Heartbeat & { expiresAtMs: number }>((await this.redis.hgetall(this.keys.heartbeatHash)) as Record<string, string> | string[] | null);
      const now = Date.now();
      const live = Object.entries(all).filter(([, hb]) => hb.expiresAtMs > now);
      return Object.fromEntries(live.map(([job, { expiresAtMs: _, ...hb }]) => [job, hb]));
    });
  }

  async incrementCounter(key: string, by: number, windowMs: number): Promise<number> {
    const k = this.keys.counter(key);
    return Number(await this.run<number>("counterIncr", [k], { key: k, by, windowMs }));
  }

  async reserveCounter(key: string, by: number, cap: number, windowMs: number): Promise<{ granted: boolean; total: number }> {
    const k = this.keys.counter(key);
    return JSON.parse(await this.run<string>("counterReserve", [k], { key: k, by, cap, windowMs })) as { granted: boolean; total: number };
  }

  readCounter(key: string): Promise<number> {
    return this.call(async () => Number((await this.redis.get<string>(this.keys.counter(key))) ?? 0));
  }

  putValue(key: string, value: unknown, ttlMs: number): Promise<void> {
    return this.call(async () => void (await this.redis.set(this.keys.value(key), JSON.stringify(value), { px: ttlMs })));
  }

  readValue<T>(key: string): Promise<T | null> {
    return this.call(async () => {
      const raw = await this.redis.get<string>(this.keys.value(key));
      return raw === null || raw === undefined ? null : (JSON.parse(raw) as T);
    });
  }

  deleteValue(key: string): Promise<void> {
    return this.call(async () => void (await this.redis.del(this.keys.value(key))));
  }

  claimOnce(key: string, ttlMs: number): Promise<boolean> {
    return this.call(async () => (await this.redis.set(this.keys.once(key), "1", { nx: true, px: ttlMs })) === "OK");
  }

  async admit(request: AdmitRequest): Promise<AdmitDecision> {
    const payload = admitPayload(this.keys, request);
    const raw = JSON.parse(await this.run<string>("admit", payloadKeys(this.keys, payload), payload)) as Record<string, unknown>;
    if (raw.success) return { success: true, trials: Array.isArray(raw.trials) ? (raw.trials as string[]) : [], breakers: (raw.breakers ?? {}) as Record<string, BreakerRecord> };
    return (raw.reason === "breaker_open" ? { ...raw, retryAtMs: raw.retryAtMs ?? null } : raw) as AdmitDecision;
  }

  async settle(request: SettleRequest): Promise<void> {
    const payload = settlePayload(this.keys, request);
    await this.run("settle", payloadKeys(this.keys, payload), payload);
  }

  /** Redis expires keys itself; leases are trimmed on every acquire. */
  async sweepExpired(): Promise<number> {
    return 0;
  }

  ping(): Promise<void> {
    return this.call(async () => void (await this.redis.ping()));
  }

  private run<T>(op: LuaOp, keys: string[], args: Record<string, unknown>): Promise<T> {
    let script = this.scripts.get(op);
    if (!script) {
      script = this.redis.createScript(luaScript(op));
      this.scripts.set(op, script);
    }
    return this.call(() => script.exec(keys, [JSON.stringify(args)]) as Promise<T>);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw mapRedisError(error);
    }
  }
}

/** HGETALL without automatic deserialization answers a flat [field, value, ...] array. */
function parseHash<T>(hash: Record<string, string> | string[] | null): Record<string, T> {
  const out: Record<string, T> = {};
  if (Array.isArray(hash)) for (let i = 0; i + 1 < hash.length; i += 2) out[hash[i]!] = JSON.parse(hash[i + 1]!) as T;
  else for (const [k, v] of Object.entries(hash ?? {})) out[k] = JSON.parse(v) as T;
  return out;
}

/** Script bugs are internal; everything else means Redis was not usable. */
export function mapRedisError(error: unknown): XbotError {
  if (error instanceof XbotError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = /user_script|Error running script|attempt to|Script attempted/i.test(message) ? "internal" : "state_unavailable";
  return new XbotError(code, `redis: ${message}`, { cause: error });
}
