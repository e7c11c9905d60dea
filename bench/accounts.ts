/**
 * `npm run bench:accounts`: a simulated day of fan-out at 1 and 10 accounts (XBOT_BENCH_ACCOUNTS
 * overrides the list; XBOT_BROWSER_SLOTS = accounts), the largest again at the default 2 slots, and docs/scale.md from it (bench/accounts-doc.ts). Every job's cron tick
 * of 24 h of a simulated clock goes through the real job route on real Postgres (Neon HTTP
 * shim) and Redis (Upstash shim); each tick fans out through the real @upstash/qstash client to
 * the QStash shim, which delivers each account's message, signed, to the real route over HTTP,
 * where the real runner admits, runs and records it. Job bodies are no-ops with the real specs
 * (schedules, needs, flow control): what is measured is the fan-out and runner per account;
 * the bodies' own costs come from docs/benchmarks.md (see the doc's method).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import { Cron } from "croner";
import { loadConfig } from "../lib/config.js";
import { insertAccount } from "../lib/db/accounts.js";
import { readRawBody, sendWebResponse, toWebRequest } from "../lib/dev/http-adapter.js";
import { defineJob } from "../lib/jobs/job.js";
import { SPECS } from "../lib/jobs/specs.js";
import { createRuntime } from "../lib/runtime/root.js";
import { jobRoute } from "../lib/runtime/http/job-route.js";
import { startQStashShim, type QStashShim } from "../tests/support/qstash-shim.js";
import { startBenchServices, type BenchServices } from "./lib/services.js";
import { scaleDoc, type DayMeasure } from "./accounts-doc.js";

const DAY_MS = 86_400_000;
const DAY_START = Date.UTC(2031, 4, 6, 0, 0, 0);
const CRON = "bench-cron-secret-0123456789abcdef";
const COUNTS = (process.env.XBOT_BENCH_ACCOUNTS ?? "1,10").split(",").map(Number);

/** Every (time, job) cron tick of the day. */
function ticks(): { at: number; job: string }[] {
  const out: { at: number; job: string }[] = [];
  for (const spec of SPECS) {
    const cron = new Cron(spec.schedule, { timezone: "UTC", paused: true });
    for (let t = cron.nextRun(new Date(DAY_START - 1)); t && t.getTime() < DAY_START + DAY_MS; t = cron.nextRun(t)) out.push({ at: t.getTime(), job: spec.name });
  }
  return out.sort((a, b) => a.at - b.at || a.job.localeCompare(b.job));
}

/** The loopback server QStash delivers to: each job's real route, its handling time summed per job into `ms`. */
async function deliveryServer(routes: Map<string, ReturnType<typeof jobRoute>>, ms: Record<string, number>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const { body } = await readRawBody(req);
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url}`;
    const job = new URL(target).pathname.split("/").pop()!;
    const t0 = performance.now();
    const response = await routes.get(job)!.POST(toWebRequest(req, target, body));
    ms[job] = (ms[job] ?? 0) + performance.now() - t0;
    await sendWebResponse(res, response, "POST");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The deployment's environment: real Postgres and Redis through their shims, QStash on the shim. */
function benchEnv(services: BenchServices, q: QStashShim, databaseUrl: string, publicUrl: string, accounts: number, slots: number): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    XBOT_NEON_HTTP_URL: services.neon.sqlUrl,
    XBOT_STATE: "redis",
    UPSTASH_REDIS_REST_URL: services.upstash.restUrl,
    UPSTASH_REDIS_REST_TOKEN: services.upstash.token,
    XBOT_PREFIX: `benchacc${accounts}s${slots}`,
    XBOT_BROWSER_SLOTS: String(slots),
    CRON_SECRET: CRON,
    XBOT_PUBLIC_URL: publicUrl,
    QSTASH_URL: q.url,
    QSTASH_TOKEN: q.token,
    QSTASH_CURRENT_SIGNING_KEY: q.currentSigningKey,
    QSTASH_NEXT_SIGNING_KEY: q.nextSigningKey,
    XBOT_LOG_LEVEL: "error",
  };
}

/** Every tick of the day through the cron route, each tick's deliveries awaited; the summed tick handling time. */
async function runDay(routes: Map<string, ReturnType<typeof jobRoute>>, q: QStashShim, setNow: (ms: number) => void): Promise<number> {
  let tickMs = 0;
  for (const tick of ticks()) {
    setNow(tick.at + 1_000);
    const t0 = performance.now();
    const response = await routes.get(tick.job)!.GET(new Request(`http://xbot.test/api/jobs/${tick.job}`, { headers: { authorization: `Bearer ${CRON}` } }));
    tickMs += performance.now() - t0;
    if (response.status !== 200) throw new Error(`tick ${tick.job} answered ${response.status}: ${await response.text()}`);
    await q.idle();
  }
  return tickMs;
}

const dbRequests = (services: BenchServices, database: string) => (services.neon.stats().byDatabase as Record<string, number>)[database] ?? 0;

async function simulateDay(services: BenchServices, q: QStashShim, accounts: number, slots: number): Promise<DayMeasure> {
  const { sql, url } = await services.postgresDatabase();
  const database = new URL(url).pathname.slice(1);
  let now = DAY_START;
  const runMs: Record<string, number> = {};
  const routes = new Map<string, ReturnType<typeof jobRoute>>();
  const server = await deliveryServer(routes, runMs);
  const config = loadConfig(benchEnv(services, q, url, server.url, accounts, slots));
  const jobs = SPECS.map((spec) => defineJob({ ...spec, run: async () => ({}) }));
  const factory = () => createRuntime({ config, jobs, clock: { now: () => now }, logSink: () => undefined });
  for (const spec of SPECS) routes.set(spec.name, jobRoute(spec.name, factory));
  for (let i = 0; i < accounts; i++) await insertAccount(sql, { id: `acct${i}`, handle: `acct_${i}` });
  q.resetStats();
  services.upstash.resetStats();
  const dbBefore = dbRequests(services, database);
  const wall0 = performance.now();
  const tickMs = await runDay(routes, q, (ms) => (now = ms));
  const wallS = (performance.now() - wall0) / 1000;
  const runs = (await sql.query("SELECT job, status, count(*)::int AS n FROM job_runs GROUP BY job, status")) as { job: string; status: string; n: number }[];
  const inserted = (await sql.query("SELECT coalesce(sum(n_tup_ins), 0)::int AS n FROM pg_stat_user_tables")) as { n: number }[];
  await server.close();
  const mine = q.published().filter((m) => !m.deduplicated);
  return {
    accounts,
    slots,
    ticks: ticks().length,
    tickMs,
    published: mine.length,
    byJob: Object.fromEntries(SPECS.map((s) => [s.name, mine.filter((m) => m.url.endsWith(`/${s.name}`)).length])),
    deliveries: q.deliveries().length,
    deliveryFailures: q.deliveries().filter((d) => d.status !== 200).length,
    batchRequests: (q.stats().requests as number) ?? 0,
    runMs,
    runs,
    rowsInserted: inserted[0]?.n ?? 0,
    stateRoundTrips: services.upstash.stats().requests,
    dbRoundTrips: dbRequests(services, database) - dbBefore,
    wallS,
  };
}

const services = await startBenchServices();
const q = await startQStashShim();
try {
  // The main table: as many browser slots as accounts (what a many-account operator sets); then the largest size at the default 2.
  const measured: DayMeasure[] = [];
  for (const n of COUNTS) {
    measured.push(await simulateDay(services, q, n, Math.max(2, n)));
    console.log(`accounts ${n}: ${JSON.stringify(measured.at(-1))}`);
  }
  const largest = Math.max(...COUNTS);
  const defaultSlots = largest > 2 ? await simulateDay(services, q, largest, 2) : null;
  if (defaultSlots) console.log(`accounts ${largest}, 2 slots: ${JSON.stringify(defaultSlots)}`);
  writeFileSync("docs/scale.md", scaleDoc(measured, defaultSlots));
  console.log("wrote docs/scale.md");
} finally {
  await q.close();
  await services.stop();
}
