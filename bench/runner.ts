/**
 * The runner's overhead on a no-op job (needs db + state), side by side on Redis state
 * (Upstash REST shim -> redis-server) and Postgres state (Neon HTTP shim -> postgres):
 *
 * - milliseconds per invocation of GET /api/jobs/noop, invoked in-process with a `new Request`,
 *   against a bare Web handler that only answers JSON; the runtime (config + clients) is built
 *   once and reused, so the difference is the runner itself (auth, mode, admit, context,
 *   settle, job_runs row, log lines); plus the runner's three round trips called directly,
 *   the floor under that overhead;
 * - state round trips before and after the job body, counted at the shims. The no-op body reads
 *   the counters, so "before" and "after" are split exactly where the body runs; the job_runs
 *   INSERT goes to the Neon shim too and is counted separately (a counting wrapper around the
 *   runtime's Sql, which the state store does not go through);
 * - the per-invocation cost of createRuntime itself (loadConfig + clients + job catalog + the
 *   cached migration check), with the no-op job and with the production job list, and the
 *   production path that builds a runtime per request.
 *
 * Samples are interleaved: every iteration runs each variant on each store once, so a load
 * swing on the machine hits all of them alike and the differences stay meaningful.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../lib/config.js";
import { insertRun } from "../lib/db/runs.js";
import type { Sql } from "../lib/db/sql.js";
import { admitRequest, settleRequest } from "../lib/runtime/admission.js";
import { jobRoute } from "../lib/runtime/http/job-route.js";
import { json } from "../lib/runtime/http/respond.js";
import { defineJob } from "../lib/jobs/job.js";
import { createRuntime } from "../lib/runtime/root.js";
import { JOBS } from "../lib/jobs/index.js";
import type { RuntimeDeps } from "../lib/runtime/runner.js";
import type { BenchServices } from "./lib/services.js";
import { round, summarise, table, type Timing } from "./lib/measure.js";

const ITERATIONS = 100;
const WARMUP = 10;
const CRON_SECRET = "bench-cron-secret-0123456789abcdef";
const URL_NOOP = "http://xbot.bench/api/jobs/noop";

/** Round-trip counters at one instant. */
interface Counters {
  /** Requests at the shim that serves the state store. */
  readonly stateShim: number;
  /** Requests at the Neon shim (job_runs, and the state store too on Postgres). */
  readonly neonShim: number;
  /** Statements sent through the runtime's own Sql (the job_runs INSERT). */
  readonly sql: number;
}

/** Set by the current invocation; the no-op body records the counters when it runs. */
let snapshot: (() => Counters) | undefined;
let atBody: Counters | undefined;

const noop = defineJob({
  name: "noop",
  schedule: "*/5 * * * *",
  maxDurationMs: 30_000,
  needs: ["db", "state"],
  async run() {
    atBody = snapshot?.();
    return {};
  },
});

/** A Sql that counts the statements sent through it. */
function countingSql(sql: Sql): { sql: Sql; count: () => number } {
  let n = 0;
  const counted: Sql = {
    kind: sql.kind,
    query: <Row>(text: string, params?: readonly unknown[]) => {
      n++;
      return sql.query<Row>(text, params);
    },
    transaction: (statements, options) => {
      n++;
      return sql.transaction(statements, options);
    },
  };
  return { sql: counted, count: () => n };
}

interface Target {
  readonly name: string;
  readonly env: Record<string, string>;
  /** True when state and job_runs share the Neon shim. */
  readonly sharedShim: boolean;
  stateShim(): number;
}

/** Average round trips per measured invocation. */
type Trips = { stateBefore: number; stateAfter: number; dbBefore: number; dbAfter: number };

/** One measured variant: `run` is timed; `trips` (when present) is read after the loop. */
interface Variant {
  readonly row: string;
  run(measuring: boolean): Promise<void>;
  /** Round trips per invocation at all shims of the target (variants that build their own runtime). */
  shimTrips?: () => number;
}

const cronRequest = () => new Request(URL_NOOP, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
const bare = async (_request: Request): Promise<Response> => json(200, { ok: true });

async function expectOk(response: Response): Promise<void> {
  const body = (await response.json()) as { status?: string; reason?: string };
  if (response.status !== 200 || (body.status !== undefined && body.status !== "ok")) throw new Error(`bench request failed: ${response.status} ${JSON.stringify(body)}`);
}

/** The runner on a runtime built once; per-invocation round trips split at the body. */
function runnerVariant(target: Target, base: RuntimeDeps, neonShim: () => number): Variant & { trips(): Trips } {
  const counted = countingSql(base.clients.sql);
  const deps: RuntimeDeps = { ...base, clients: { ...base.clients, sql: counted.sql } };
  const now = (): Counters => ({ stateShim: target.stateShim(), neonShim: neonShim(), sql: counted.count() });
  const { GET } = jobRoute("noop", async () => deps);
  const totals: Trips = { stateBefore: 0, stateAfter: 0, dbBefore: 0, dbAfter: 0 };
  let measured = 0;
  return {
    row: "runner: GET /api/jobs/noop, runtime built once",
    async run(measuring) {
      snapshot = now;
      atBody = undefined;
      const start = now();
      await expectOk(await GET(cronRequest()));
      const end = now();
      const body = atBody as Counters | undefined;
      snapshot = undefined;
      if (!body) throw new Error("the no-op body did not run");
      if (!target.sharedShim && end.neonShim - start.neonShim !== end.sql - start.sql) throw new Error("uncounted Neon round trips during a run");
      if (!measuring) return;
      measured++;
      // on Postgres the state store and job_runs share the Neon shim: take the job_runs statements out
      const shared = (from: Counters, to: Counters) => (target.sharedShim ? to.sql - from.sql : 0);
      totals.stateBefore += body.stateShim - start.stateShim - shared(start, body);
      totals.stateAfter += end.stateShim - body.stateShim - shared(body, end);
      totals.dbBefore += body.sql - start.sql;
      totals.dbAfter += end.sql - body.sql;
    },
    trips: () => {
      const per = (x: number) => round(x / Math.max(1, measured));
      return { stateBefore: per(totals.stateBefore), stateAfter: per(totals.stateAfter), dbBefore: per(totals.dbBefore), dbAfter: per(totals.dbAfter) };
    },
  };
}

/** The runner's three round trips called directly, without the runner: the floor under its overhead. */
function floorVariant(deps: RuntimeDeps): Variant {
  let i = 0;
  return {
    row: "its 3 round trips called directly (admit, settle, job_runs INSERT)",
    async run() {
      const runId = `floor_${i++}`;
      const nowMs = Date.now();
      const decision = await deps.clients.state.admit(admitRequest(noop, deps.catalog, deps.config, { runId, nowMs }));
      if (!decision.success) throw new Error(`floor admit refused: ${decision.reason}`);
      await deps.clients.state.settle(settleRequest(noop, { runId, nowMs: Date.now(), trials: [], error: null, heldLock: true }));
      await insertRun(deps.clients.sql, {
        id: runId,
        accountId: deps.config.XBOT_ACCOUNT_ID,
        job: "noop",
        trigger: "cron",
        mode: "live",
        status: "ok",
        reason: null,
        errorCode: null,
        summary: {},
        artifactId: null,
        startedAt: new Date(nowMs),
        endedAt: new Date(),
      });
    },
  };
}

/** Counts round trips at every shim a target talks to while measured invocations run. */
function shimCounter(target: Target, neonShim: () => number): { around: (fn: () => Promise<void>, measuring: boolean) => Promise<void>; perInvocation: () => number } {
  let trips = 0;
  let measured = 0;
  const all = () => target.stateShim() + (target.sharedShim ? 0 : neonShim());
  return {
    async around(fn, measuring) {
      const before = all();
      await fn();
      if (!measuring) return;
      measured++;
      trips += all() - before;
    },
    perInvocation: () => round(trips / Math.max(1, measured)),
  };
}

/** Runs the benchmark and returns its markdown section. */
export async function benchRunner(services: BenchServices): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), "xbot-bench-runner-"));
  const logSink = () => {}; // log lines are still built (level info), just not printed
  const databaseUrl = async () => {
    const sql = await services.postgresSql();
    const [row] = await sql.query<{ db: string }>("SELECT current_database() AS db");
    // the Neon shim takes the database name from the connection string and host/port from its own upstream
    return `postgres://postgres@127.0.0.1:5432/${row!.db}`;
  };
  const common = { XBOT_NEON_HTTP_URL: services.neon.sqlUrl, CRON_SECRET, XBOT_DATA_DIR: dataDir, XBOT_LOG_LEVEL: "info" };
  const targets: Target[] = [
    {
      name: "Redis (Upstash REST)",
      env: {
        ...common,
        DATABASE_URL: await databaseUrl(),
        XBOT_STATE: "redis",
        XBOT_PREFIX: "benchrunner",
        UPSTASH_REDIS_REST_URL: services.upstash.restUrl,
        UPSTASH_REDIS_REST_TOKEN: services.upstash.token,
      },
      sharedShim: false,
      stateShim: () => services.upstash.stats().requests,
    },
    {
      name: "Postgres (Neon HTTP)",
      env: { ...common, DATABASE_URL: await databaseUrl(), XBOT_STATE: "postgres", XBOT_PREFIX: "benchrunner" },
      sharedShim: true,
      stateShim: () => services.neon.stats().requests,
    },
  ];
  const neonShim = () => services.neon.stats().requests;
  const build = (t: Target) => createRuntime({ config: loadConfig(t.env), jobs: [noop], logSink });

  try {
    const perTarget = await Promise.all(
      targets.map(async (t) => {
        const deps = await build(t); // migrations are checked here, once per process and database
        const runner = runnerVariant(t, deps, neonShim);
        const rootTrips = shimCounter(t, neonShim);
        const prodTrips = shimCounter(t, neonShim);
        const production = jobRoute("noop", () => build(t));
        const variants: Variant[] = [
          { row: "bare Web handler (returns JSON)", run: async () => void (await (await bare(cronRequest())).json()) },
          runner,
          floorVariant(deps),
          { row: "createRuntime({ config: loadConfig(env) }) alone", run: (m) => rootTrips.around(async () => void (await build(t)), m), shimTrips: rootTrips.perInvocation },
          {
            row: "GET /api/jobs/noop with createRuntime per request (production path)",
            run: (m) => prodTrips.around(async () => expectOk(await production.GET(cronRequest())), m),
            shimTrips: prodTrips.perInvocation,
          },
          { row: `createRuntime with the production job list (lib/jobs: ${JOBS.length} jobs)`, run: async () => void (await createRuntime({ config: loadConfig(t.env), jobs: JOBS, logSink })) },
        ];
        return { target: t, variants, runner, samples: variants.map(() => [] as number[]) };
      }),
    );

    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      const measuring = i >= WARMUP;
      for (const p of perTarget) {
        for (const [k, v] of p.variants.entries()) {
          const t0 = performance.now();
          await v.run(measuring);
          if (measuring) p.samples[k]!.push(performance.now() - t0);
        }
      }
    }

    const timings = perTarget.map((p) => p.samples.map((s) => summarise(s)));
    const cell = (x: Timing) => `${x.medianMs} / ${x.p95Ms}`;
    const at = (p: number, k: number) => timings[p]![k]!;
    const rows: string[][] = perTarget[0]!.variants.map((v, k) => [v.row, ...perTarget.map((_, p) => cell(at(p, k)))]);
    // variant indexes: 0 bare, 1 runner, 2 direct round trips, 3 createRuntime, 4 production
    rows.splice(2, 0, ["runner overhead (runner - bare), median", ...perTarget.map((_, p) => `${round(at(p, 1).medianMs - at(p, 0).medianMs)}`)]);
    rows.splice(4, 0, ["runner beyond its 3 round trips (runner - direct), median", ...perTarget.map((_, p) => `${round(at(p, 1).medianMs - at(p, 2).medianMs)}`)]);

    const trips = perTarget.map((p) => p.runner.trips());
    const tripTable = table(
      ["round trips per invocation", ...targets.map((t) => t.name)],
      [
        ["state, before the job body (admit)", ...trips.map((t) => t.stateBefore)],
        ["state, after the job body (settle)", ...trips.map((t) => t.stateAfter)],
        ["db: job_runs INSERT", ...trips.map((t) => `${t.dbBefore} before, ${t.dbAfter} after`)],
        ["createRuntime alone (all shims)", ...perTarget.map((p) => p.variants[3]!.shimTrips!())],
        ["production path, total (all shims)", ...perTarget.map((p) => p.variants[4]!.shimTrips!())],
        ["target: at most 1 state round trip before the body and 1 after", ...trips.map((t) => (t.stateBefore <= 1 && t.stateAfter <= 1 ? "met" : "NOT met"))],
      ],
    );
    return [
      "## Runner overhead",
      "",
      `Method: a no-op job (needs db + state) run through the real route handler, in-process with a \`new Request\` (cron GET with the Bearer secret), against a bare Web handler that only returns JSON; ${ITERATIONS} measured iterations after ${WARMUP} warm-up ones, each iteration running every row on both stores once (interleaved, so load swings hit all rows alike). ` +
        "The runtime comes from `createRuntime({ config: loadConfig(env), jobs: [noop] })`, built once and reused for the runner rows; log lines are formatted at level info and discarded. " +
        "Round trips are HTTP requests counted at the protocol shims (Upstash REST, Neon HTTP); the no-op body reads the counters, which splits them at the body, and the job_runs INSERT (also on the Neon shim) is counted through a counting wrapper of the runtime's Sql and taken out of the Postgres state numbers. " +
        "The per-request rows rebuild config, clients and the job catalog each time (the migration check is cached per process and database); the catalog validates every job's cron, which is most of createRuntime's cost. Loopback hides network latency: on Vercel each round trip adds the region RTT.",
      "",
      table(["per invocation, ms (median / p95)", ...targets.map((t) => t.name)], rows),
      "",
      tripTable,
    ].join("\n");
  } finally {
    snapshot = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
