/**
 * Outages of the state store and of the database, each on the test's OWN service (so
 * stopping it never disturbs other test files running in parallel):
 *
 *  a) Redis dies: posting fails closed (skipped `state_unavailable`, nothing posted),
 *     jobs declared `whenStateDown: "run"` still run, health is degraded with a state
 *     alert, nothing queued is lost; when Redis is back, posting resumes (exactly one post).
 *  b) Postgres dies: three runs fail `db_unavailable`, the `db` breaker (kept in the shared
 *     Redis) opens, the next run is skipped `breaker_open:db` without running its body,
 *     health is down; when Postgres is back and the cool-down has passed, the half-open
 *     trial closes the breaker, runs are recorded again and nothing queued was lost.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { enqueue, queueCounts } from "../../lib/db/queue.js";
import { defineJob } from "../../lib/jobs/job.js";
import { runJob, type RunResult, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { healthReport } from "../../lib/runtime/health.js";
import { post } from "../../lib/jobs/post.js";
import { heal } from "../../lib/jobs/heal.js";
import { services } from "../support/env.js";
import { botRuntime, sandboxOpener, TestClock } from "../support/bot.js";
import { testRuntime } from "../support/runtime.js";
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from "../support/services.js";
import { startUpstashShim, type UpstashShim } from "../support/upstash-shim.js";
import { startNeonHttpShim, type NeonHttpShim } from "../support/neon-http-shim.js";

const svc = services();

async function queueItems(deps: RuntimeDeps, n: number, label: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const item = await enqueue(deps.clients.sql, {
      accountId: deps.config.XBOT_ACCOUNT_ID,
      kind: "single",
      tweets: [`${label} ${i} ${randomBytes(4).toString("hex")}`],
      source: "manual",
      dueAt: new Date(Date.now() - 60_000),
    });
    expect(item).not.toBeNull();
  }
}

type RunRow = { id: string; job: string; status: string; reason: string | null; error_code: string | null };
async function runRows(deps: RuntimeDeps, ids: readonly string[]): Promise<Map<string, RunRow>> {
  const rows = await deps.clients.sql.query<RunRow>("SELECT id, job, status, reason, error_code FROM job_runs WHERE id = ANY($1::text[])", [ids]);
  return new Map(rows.map((r) => [r.id, r]));
}

// ---------------------------------------------------------------------------------------
// a) Redis down
// ---------------------------------------------------------------------------------------

/** Needs only the db; declared to run without the state store. Counts queued items. */
const dbOnlyWhenStateDown = defineJob({
  name: "db-only",
  schedule: "*/10 * * * *",
  maxDurationMs: 30_000,
  needs: ["db", "state"],
  whenStateDown: "run",
  async run(ctx) {
    const [row] = await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM content_items WHERE account_id = $1 AND status = 'queued'", [ctx.config.XBOT_ACCOUNT_ID]);
    return { queued: row?.n ?? -1 };
  },
});

describe.skipIf(!svc.postgres)("a) Redis goes down during admission (own Redis + Upstash shim)", () => {
  let redis: RedisServer;
  let shim: UpstashShim;
  let sandbox: Sandbox;
  const token = `outage-${randomBytes(16).toString("hex")}`;

  beforeAll(async () => {
    redis = await startRedis();
    shim = await startUpstashShim({ port: redis.port, token });
    sandbox = await createSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
    await shim?.close();
    await redis?.stop();
  });

  it("posting fails closed, whenStateDown:run jobs run, health is degraded, nothing is lost; posting resumes when Redis is back", async () => {
    const startedAt = Date.now() - 1;
    const ours = () => sandbox.posts().filter((p) => p.author === sandbox.user && !p.deleted && p.createdAtMs > startedAt);
    const opener = sandboxOpener(sandbox);
    const rt = await botRuntime("redis", sandbox, {
      jobs: [post, heal, dbOnlyWhenStateDown],
      opener,
      env: { UPSTASH_REDIS_REST_URL: shim.restUrl, UPSTASH_REDIS_REST_TOKEN: token },
    });
    const deps = await rt.factory();
    expect(deps.clients.state.kind).toBe("redis");
    await deps.clients.state.ping(); // really on our own Redis
    await queueItems(deps, 2, "outage item");
    const account = deps.config.XBOT_ACCOUNT_ID;

    await redis.kill();
    expect(redis.running()).toBe(false);
    await expect(deps.clients.state.ping()).rejects.toMatchObject({ code: "state_unavailable" });

    // post: fails closed, never opens a browser, never posts.
    const skipped = await runJob(deps, { job: "post", trigger: "cron" });
    expect(skipped).toMatchObject({ job: "post", status: "skipped", reason: "state_unavailable" });
    expect(opener.opened).toBe(0);
    expect(ours()).toHaveLength(0);

    // heal and a db-only job declared whenStateDown:"run" are admitted and run (without lock or leases).
    const healed = await runJob(deps, { job: "heal", trigger: "cron" });
    // heal is admitted and does the database-only repairs it can without the state store.
    expect(healed).toMatchObject({ status: "ok", summary: { state: "unreachable", orphansRequeued: 0 } });
    expect(healed.reason).toBeUndefined();
    const dbOnly = await runJob(deps, { job: "db-only", trigger: "cron" });
    expect(dbOnly).toMatchObject({ status: "ok", summary: { queued: 2 } });

    // Health: degraded (not ok, not down) and says the state store is unreachable.
    const down = await healthReport(deps);
    expect(down.status).toBe("degraded");
    expect(down.probes.db.ok).toBe(true);
    expect(down.probes.state.ok).toBe(false);
    expect(down.alerts.some((a) => /state store \(redis\) unreachable/.test(a))).toBe(true);

    // Nothing lost: both items still queued, none half-claimed.
    expect(await queueCounts(deps.clients.sql, account)).toMatchObject({ queued: 2, posting: 0, posted: 0, failed: 0 });

    // Each run during the outage is recorded in job_runs (the db is up).
    const rows = await runRows(deps, [skipped.runId, healed.runId, dbOnly.runId]);
    expect(rows.get(skipped.runId)).toMatchObject({ job: "post", status: "skipped", reason: "state_unavailable" });
    expect(rows.get(healed.runId)).toMatchObject({ job: "heal", status: healed.status, reason: null, error_code: healed.errorCode ?? null });
    expect(rows.get(dbOnly.runId)).toMatchObject({ job: "db-only", status: "ok", reason: null, error_code: null });
    expect(rt.logs.some((l) => l.includes("admission failed: state store unreachable"))).toBe(true);

    // Redis back on the same port (empty: no persistence); the shim reconnects by itself.
    await redis.start();
    await shim.waitForRedis(10_000);
    await deps.clients.state.ping();

    const resumed = await runJob(deps, { job: "post", trigger: "cron" });
    expect(resumed).toMatchObject({ status: "ok", summary: { posted: 1 } });
    expect(opener.opened).toBe(1);
    expect(ours()).toHaveLength(1);
    expect(await queueCounts(deps.clients.sql, account)).toMatchObject({ queued: 1, posting: 0, posted: 1 });
    const [posted] = await deps.clients.sql.query<{ tweet_id: string }>("SELECT tweet_id FROM posts WHERE account_id = $1", [account]);
    expect(posted?.tweet_id).toBe(ours()[0]!.id);
    expect((await runRows(deps, [resumed.runId])).get(resumed.runId)).toMatchObject({ status: "ok" });
    expect(await deps.clients.state.countLeases("browser")).toBe(0);

    const up = await healthReport(deps);
    expect(up.probes.state.ok).toBe(true);
    expect(up.status).not.toBe("down");
    expect(up.alerts.filter((a) => /state store/i.test(a))).toEqual([]);
    if (up.status === "degraded") {
      // Only for reasons unrelated to the state store.
      expect(up.level).toBe(3);
    } else {
      expect(up.status).toBe("ok");
    }
  }, 180_000);
});

// ---------------------------------------------------------------------------------------
// b) Postgres down
// ---------------------------------------------------------------------------------------

describe.skipIf(!svc.postgres || !svc.redis)("b) Postgres goes down (own Postgres + Neon HTTP shim, state on the shared Redis)", () => {
  let postgres: PostgresServer;
  let neon: NeonHttpShim;
  let databaseUrl = "";

  beforeAll(async () => {
    // Durable commits, as on Neon: the throwaway default (synchronous_commit=off) can lose a
    // commit's WAL in an immediate shutdown, which would look like a lost queue item.
    postgres = await startPostgres({ settings: { synchronous_commit: "on" } });
    neon = await startNeonHttpShim({ port: postgres.port });
    const database = `outage_${randomBytes(5).toString("hex")}`;
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${database}"`);
    } finally {
      await client.end();
    }
    databaseUrl = postgres.urlFor(database);
  });
  afterAll(async () => {
    await neon?.close();
    await postgres?.stop();
  });

  let bodies = 0;
  beforeEach(() => {
    bodies = 0;
  });
  /** Needs db and state; every run queries the db. */
  const dbJob = defineJob({
    name: "db-reader",
    schedule: "*/5 * * * *",
    maxDurationMs: 30_000,
    needs: ["db", "state"],
    async run(ctx) {
      bodies++;
      const [row] = await ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM content_items WHERE account_id = $1", [ctx.config.XBOT_ACCOUNT_ID]);
      return { items: row?.n ?? -1 };
    },
  });

  it("three db_unavailable failures open the db breaker, the next run is skipped without touching the db, health is down; recovery closes it", async () => {
    const clock = new TestClock();
    const rt = await testRuntime("redis", { jobs: [dbJob], clock, env: { DATABASE_URL: databaseUrl, XBOT_NEON_HTTP_URL: neon.sqlUrl } });
    const deps = await rt.factory();
    const { sql, state } = deps.clients;
    const account = deps.config.XBOT_ACCOUNT_ID;
    expect(deps.config.XBOT_NEON_HTTP_URL).toBe(neon.sqlUrl);
    await queueItems(deps, 1, "survives the outage");
    const baseline = await runJob(deps, { job: "db-reader", trigger: "cron" });
    expect(baseline).toMatchObject({ status: "ok", summary: { items: 1 } });
    expect(await state.readBreaker("db")).toMatchObject({ state: "closed", failures: 0 });
    bodies = 0;

    await postgres.down();
    expect(postgres.pid()).toBeNull();

    // Three runs fail with db_unavailable; the runner never throws; the breaker counts each.
    const outage: RunResult[] = [];
    for (let i = 1; i <= 3; i++) {
      const result = await runJob(deps, { job: "db-reader", trigger: "cron" });
      outage.push(result);
      expect(result).toMatchObject({ status: "failed", errorCode: "db_unavailable", retryable: true });
      const breaker = await state.readBreaker("db");
      expect(breaker.failures).toBe(i);
      expect(breaker.state).toBe(i < 3 ? "closed" : "open");
    }
    expect(bodies).toBe(3);
    const opened = await state.readBreaker("db");
    if (opened.state !== "open") throw new Error("db breaker should be open");
    expect(opened.retryAtMs - opened.openedAtMs).toBe(30_000);

    // The 4th run is refused at admission: its body never runs; the only db request is the
    // (failing) attempt to record the run itself.
    const before = neon.stats().requests;
    const refused = await runJob(deps, { job: "db-reader", trigger: "cron" });
    outage.push(refused);
    expect(refused).toMatchObject({ status: "skipped", reason: "breaker_open:db" });
    expect(bodies).toBe(3);
    expect(neon.stats().requests - before).toBe(1);

    const downReport = await healthReport(deps);
    expect(downReport.status).toBe("down");
    expect(downReport.probes.db).toMatchObject({ ok: false, error: { code: "db_unavailable" } });
    expect(downReport.level).toBe(0);
    expect(downReport.breakers.db).toMatchObject({ state: "open", phase: "open" });
    expect(rt.logs.filter((l) => l.includes("could not record job run")).length).toBeGreaterThanOrEqual(4);

    // Postgres back; still inside the cool-down, the breaker keeps refusing.
    await postgres.up();
    expect(await runJob(deps, { job: "db-reader", trigger: "cron" })).toMatchObject({ status: "skipped", reason: "breaker_open:db" });
    expect(bodies).toBe(3);

    // Past the cool-down: the half-open trial runs, succeeds and closes the breaker.
    clock.advance(31_000);
    expect((await healthReport(deps)).breakers.db).toMatchObject({ phase: "half_open" });
    const trial = await runJob(deps, { job: "db-reader", trigger: "cron" });
    expect(trial).toMatchObject({ status: "ok", summary: { items: 1 } });
    expect(bodies).toBe(4);
    expect(await state.readBreaker("db")).toMatchObject({ state: "closed", failures: 0 });
    const after = await runJob(deps, { job: "db-reader", trigger: "cron" });
    expect(after).toMatchObject({ status: "ok", summary: { items: 1 } });

    // Recorded again after recovery; the runs during the outage could not be (db down).
    const rows = await runRows(deps, [baseline.runId, ...outage.map((r) => r.runId), trial.runId, after.runId]);
    expect(rows.get(baseline.runId)).toMatchObject({ status: "ok" });
    expect(rows.get(trial.runId)).toMatchObject({ job: "db-reader", status: "ok", reason: null, error_code: null });
    expect(rows.get(after.runId)).toMatchObject({ job: "db-reader", status: "ok", reason: null, error_code: null });
    for (const r of outage) expect(rows.has(r.runId)).toBe(false);

    // Nothing queued was lost.
    expect(await queueCounts(sql, account)).toMatchObject({ queued: 1, posting: 0 });

    const upReport = await healthReport(deps);
    expect(upReport.probes.db.ok).toBe(true);
    expect(upReport.breakers.db).toMatchObject({ state: "closed", failures: 0, phase: "closed" });
    expect(upReport.status).toBe("ok");
  }, 180_000);
});
