/**
 * StateStore on Postgres through the Sql port (Neon over HTTP, or embedded PGlite).
 * Each operation is one statement or one plpgsql call (migrations 002 and 003), so each is
 * one round trip and atomic. Expired rows are ignored by every read and removed by
 * `sweepExpired()` (the heal job) and opportunistically on write.
 */
import { oneRow, type Sql } from "../db/sql.js";
import { CLOSED_BREAKER, type BreakerPolicy, type BreakerRecord } from "./breaker.js";
import { admitPayload, settlePayload, stateKeys, type StateKeys } from "./keys.js";
import type { AdmitDecision, AdmitRequest, Heartbeat, LeaseDecision, SettleRequest, StateStore, TrialDecision } from "./store.js";

const LIVE = "(expires_at IS NULL OR expires_at > clock_timestamp())";

/** A Postgres-backed StateStore for one key prefix. */
export class PostgresStateStore implements StateStore {
  /** @inheritdoc */
  readonly kind = "postgres" as const;
  private readonly keys: StateKeys;

  private constructor(
    private readonly sql: Sql,
    prefix: string,
  ) {
    this.keys = stateKeys(prefix);
  }

  /** Creates the store; the schema comes from `migrate()`. */
  static create(sql: Sql, prefix: string): PostgresStateStore {
    return new PostgresStateStore(sql, prefix);
  }

  async acquireLock(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.scalar<boolean>("SELECT xbot_try_lock($1, $2, $3) AS v", [this.keys.lock(key), owner, ttlMs]);
  }

  async extendLock(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const rows = await this.sql.query(`UPDATE xbot_kv SET expires_at = xbot_expiry($3) WHERE key = $1 AND owner = $2 AND ${LIVE} RETURNING 1`, [this.keys.lock(key), owner, ttlMs]);
    return rows.length === 1;
  }

  async releaseLock(key: string, owner: string): Promise<boolean> {
    const rows = await this.sql.query(`DELETE FROM xbot_kv WHERE key = $1 AND owner = $2 AND ${LIVE} RETURNING 1`, [this.keys.lock(key), owner]);
    return rows.length === 1;
  }

  async acquireLease(resource: string, holder: string, slots: number, ttlMs: number): Promise<LeaseDecision> {
    return this.scalar<LeaseDecision>("SELECT xbot_lease_acquire($1, $2, $3, $4) AS v", [this.keys.lease(resource), holder, slots, ttlMs]);
  }

  async releaseLease(resource: string, holder: string): Promise<void> {
    await this.sql.query("DELETE FROM xbot_leases WHERE resource = $1 AND holder = $2", [this.keys.lease(resource), holder]);
  }

  async countLeases(resource: string): Promise<number> {
    return Number(await this.scalar("SELECT count(*) AS v FROM xbot_leases WHERE resource = $1 AND expires_at > clock_timestamp()", [this.keys.lease(resource)]));
  }

  async readBreaker(name: string): Promise<BreakerRecord> {
    const rows = await this.sql.query<{ value: BreakerRecord }>("SELECT value FROM xbot_kv WHERE key = $1", [this.keys.breaker(name)]);
    return rows[0]?.value ?? CLOSED_BREAKER;
  }

  async listBreakers(): Promise<Record<string, BreakerRecord>> {
    const prefix = this.keys.breakerPrefix;
    const rows = await this.sql.query<{ key: string; value: BreakerRecord }>("SELECT key, value FROM xbot_kv WHERE key LIKE $1 || '%'", [likeEscape(prefix)]);
    return Object.fromEntries(rows.map((r) => [r.key.slice(prefix.length), r.value]));
  }

  async acquireBreakerTrial(name: string, holder: string, nowMs: number, trialTtlMs: number): Promise<TrialDecision> {
    return this.scalar<TrialDecision>("SELECT xbot_breaker_trial($1, $2, $3, $4, $5) AS v", [this.keys.breaker(name), this.keys.breakerTrial(name), holder, nowMs, trialTtlMs]);
  }

  async recordBreakerOutcome(name: string, outcome: { ok: boolean; trial: boolean }, policy: BreakerPolicy, nowMs: number): Promise<BreakerRecord> {
    const params = [this.keys.breaker(name), this.keys.breakerTrial(name), outcome.ok, outcome.trial, JSON.stringify(policy), nowMs];
    return this.scalar<BreakerRecord>("SELECT xbot_breaker_record($1, $2, $3, $4, $5::jsonb, $6) AS v", params);
  }

  async isolateBreaker(name: string, nowMs: number): Promise<BreakerRecord> {
    const record: BreakerRecord = { state: "isolated", failures: 0, opens: 0, openedAtMs: nowMs };
    await this.sql.query("INSERT INTO xbot_kv (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [this.keys.breaker(name), JSON.stringify(record)]);
    return record;
  }

  async resetBreaker(name: string): Promise<BreakerRecord> {
    await this.sql.query("DELETE FROM xbot_kv WHERE key IN ($1, $2)", [this.keys.breaker(name), this.keys.breakerTrial(name)]);
    return CLOSED_BREAKER;
  }

  async setHeartbeat(job: string, heartbeat: Heartbeat, ttlMs: number): Promise<void> {
    const text = "INSERT INTO xbot_kv (key, value, expires_at) VALUES ($1, $2::jsonb, xbot_expiry($3)) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at";
    await this.sql.query(text, [this.keys.heartbeat(job), JSON.stringify(heartbeat), ttlMs]);
  }

  async readHeartbeats(): Promise<Record<string, Heartbeat>> {
    const prefix = this.keys.heartbeatPrefix;
    const rows = await this.sql.query<{ key: string; value: Heartbeat }>(`SELECT key, value FROM xbot_kv WHERE key LIKE $1 || '%' AND ${LIVE}`, [likeEscape(prefix)]);
    return Object.fromEntries(rows.map((r) => [r.key.slice(prefix.length), r.value]));
  }

  async incrementCounter(key: string, by: number, windowMs: number): Promise<number> {
    return Number(await this.scalar("SELECT xbot_counter_incr($1, $2, $3) AS v", [this.keys.counter(key), by, windowMs]));
  }

  async reserveCounter(key: string, by: number, cap: number, windowMs: number): Promise<{ granted: boolean; total: number }> {
    const v = await this.scalar<{ granted: boolean; total: number | string }>("SELECT xbot_counter_reserve($1, $2, $3, $4) AS v", [this.keys.counter(key), by, cap, windowMs]);
    return { granted: v.granted, total: Number(v.total) };
  }

  async readCounter(key: string): Promise<number> {
    const rows = await this.sql.query<{ n: string }>(`SELECT n FROM xbot_kv WHERE key = $1 AND ${LIVE}`, [this.keys.counter(key)]);
    return Number(rows[0]?.n ?? 0);
  }

  async putValue(key: string, value: unknown, ttlMs: number): Promise<void> {
    const text = "INSERT INTO xbot_kv (key, value, expires_at) VALUES ($1, $2::jsonb, xbot_expiry($3)) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at";
    await this.sql.query(text, [this.keys.value(key), JSON.stringify(value), ttlMs]);
  }

  async readValue<T>(key: string): Promise<T | null> {
    const rows = await this.sql.query<{ value: T }>(`SELECT value FROM xbot_kv WHERE key = $1 AND ${LIVE}`, [this.keys.value(key)]);
    return rows[0]?.value ?? null;
  }

  async deleteValue(key: string): Promise<void> {
    await this.sql.query("DELETE FROM xbot_kv WHERE key = $1", [this.keys.value(key)]);
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    return this.scalar<boolean>("SELECT xbot_try_once($1, 'once', $2) AS v", [this.keys.once(key), ttlMs]);
  }

  async admit(request: AdmitRequest): Promise<AdmitDecision> {
    return this.scalar<AdmitDecision>("SELECT xbot_admit_leveled($1::jsonb) AS v", [JSON.stringify(admitPayload(this.keys, request))]);
  }

  async settle(request: SettleRequest): Promise<void> {
    await this.sql.query("SELECT xbot_settle_trials($1::jsonb)", [JSON.stringify(settlePayload(this.keys, request))]);
  }

  async sweepExpired(): Promise<number> {
    const text =
      "WITH a AS (DELETE FROM xbot_kv WHERE expires_at <= clock_timestamp() RETURNING 1), b AS (DELETE FROM xbot_leases WHERE expires_at <= clock_timestamp() RETURNING 1) SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b) AS v";
    return Number(await this.scalar(text, []));
  }

  async ping(): Promise<void> {
    await this.sql.query("SELECT 1");
  }

  private async scalar<T>(text: string, params: readonly unknown[]): Promise<T> {
    const rows = await this.sql.query<{ v: T }>(text, params);
    return oneRow(rows, text).v;
  }
}

function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
