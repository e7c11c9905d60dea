/**
 * `npm run bench:scale` (`npm run bench -- scale`): cost against history. Real Postgres behind
 * the Neon HTTP shim is seeded with 1k, 10k and 100k content items of history at the bot's
 * pace (tests/support/history-seed.ts: 137 items and ~670 job runs a day, so 100k is about two
 * years), once for TODAY'S code (a `git worktree` of OLD_COMMIT, its own migrations) and once
 * for the NEW code (this tree), and the same operations of both run interleaved in one process:
 *
 * - GET /api/status and GET /api/health, whole routes (a runtime per request, as in production);
 * - each job's database work: learn and heal run whole (learn without its `after: metrics`
 *   gate); the browser jobs' queries are called as the job calls them (X is not in the loop);
 * - the CLI's list commands' queries (`xbot queue`, `xbot runs`, `xbot status`).
 *
 * Round trips are counted at the shim per database. State is on Redis (the Upstash shim), so
 * every counted request is database work. Each sample alternates old/new order.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { contentHash } from "../lib/db/queue.js";
import { loadPlanContent } from "../lib/jobs/planning/content.js";
import { seedHistory } from "../tests/support/history-seed.js";
import { loadNote, round, summarise, table, type Timing } from "./lib/measure.js";
import type { BenchServices } from "./lib/services.js";

/** main at the time issue 19 was filed. */
export const OLD_COMMIT = "5c71464";
/** Sizes and samples; XBOT_BENCH_SCALE_SIZES / _SAMPLES override them for a quick trial (the docs are written from the defaults). */
const SIZES = (process.env.XBOT_BENCH_SCALE_SIZES ?? "1000,10000,100000").split(",").map(Number);
const SAMPLES = Number(process.env.XBOT_BENCH_SCALE_SAMPLES ?? 20);
const ADMIN = "bench-admin-token-0123456789abcdef";
const ACCOUNT = "default";

type Mod = Record<string, unknown>;
interface Code {
  readonly name: "old" | "new";
  readonly root: string;
  readonly m: Record<string, Mod>;
}
interface Db {
  readonly code: Code;
  readonly url: string;
  readonly database: string;
  readonly env: Record<string, string>;
  deps: { clients: { sql: { query: (t: string, p?: unknown[]) => Promise<unknown[]> } } } & Record<string, unknown>;
}

const MODULES = {
  dashboard: "lib/db/dashboard.ts",
  runs: "lib/db/runs.ts",
  posts: "lib/db/posts.ts",
  queue: "lib/db/queue.ts",
  metrics: "lib/db/metrics.ts",
  followers: "lib/db/followers.ts",
  attempts: "lib/db/attempts.ts",
  candidates: "lib/db/reply-candidates.ts",
  history: "lib/db/plan-history.ts",
  arms: "lib/db/arms.ts",
  status: "lib/runtime/http/status-route.ts",
  health: "lib/runtime/http/health-route.ts",
  root: "lib/runtime/root.ts",
  runner: "lib/runtime/runner.ts",
  learn: "lib/jobs/learn.ts",
  heal: "lib/jobs/heal.ts",
} as const;

async function loadCode(name: Code["name"], root: string): Promise<Code> {
  const m: Record<string, Mod> = {};
  for (const [key, path] of Object.entries(MODULES)) m[key] = (await import(pathToFileURL(join(root, path)).href)) as Mod;
  return { name, root, m };
}

/** A detached worktree of OLD_COMMIT (one per process: a concurrent run's removeOldTree must not delete it mid-run) sharing this tree's node_modules; null (with why) when git cannot make one. */
export function oldTree(): { root: string } | { error: string } {
  const root = join(tmpdir(), `xbot-bench-old-${OLD_COMMIT}-${process.pid}`);
  try {
    if (!existsSync(join(root, "lib"))) execFileSync("git", ["worktree", "add", "--detach", root, OLD_COMMIT], { stdio: "ignore" });
    if (!existsSync(join(root, "node_modules"))) symlinkSync(join(process.cwd(), "node_modules"), join(root, "node_modules"), "dir");
    return { root };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

let created = 0;

/** Removes the worktree {@link oldTree} made (run.ts calls it once every section is done). */
export function removeOldTree(): void {
  const root = join(tmpdir(), `xbot-bench-old-${OLD_COMMIT}-${process.pid}`);
  if (existsSync(root)) execFileSync("git", ["worktree", "remove", "--force", root], { stdio: "ignore" });
}

async function database(s: BenchServices, code: Code, n: number): Promise<Db> {
  // A new name each time: a runtime remembers which databases it has migrated.
  const database = `scale_${code.name}_${n}_${process.pid}_${created++}`;
  const admin = new pg.Client({ connectionString: s.postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const u = new URL(s.postgresUrl);
  u.pathname = `/${database}`;
  const env = {
    DATABASE_URL: u.toString(),
    XBOT_NEON_HTTP_URL: s.neon.sqlUrl,
    XBOT_STATE: "redis",
    UPSTASH_REDIS_REST_URL: s.upstash.url,
    UPSTASH_REDIS_REST_TOKEN: "bench-token",
    XBOT_PREFIX: `s${code.name}${n}`,
    XBOT_DATA_DIR: mkdtempSync(join(tmpdir(), "xbot-scale-")),
    CRON_SECRET: "bench-cron-secret-0123456789abcdef",
    XBOT_ADMIN_TOKEN: ADMIN,
    XBOT_LOG_LEVEL: "error",
    XBOT_RETENTION_DAYS: "3650",
  };
  const learn = code.m.learn!.learn as Record<string, unknown>;
  const jobs = [{ ...learn, after: [] }, code.m.heal!.heal];
  const createRuntime = code.m.root!.createRuntime as (o: unknown) => Promise<Db["deps"]>;
  const deps = await createRuntime({ env, jobs });
  await seedHistory(deps.clients.sql as never, n, new Date());
  // The steady state of a table grown over two years: autovacuum has set its visibility map (a
  // bulk seed has not), so index-only scans need no heap fetches. Both codes get the same.
  const vacuum = new pg.Client({ connectionString: env.DATABASE_URL });
  await vacuum.connect();
  await vacuum.query("VACUUM ANALYZE");
  await vacuum.end();
  return { code, url: env.DATABASE_URL, database, env, deps };
}

type Op = { name: string; kind: "route" | "job" | "cli"; run: (db: Db) => Promise<unknown>; reset?: (db: Db) => Promise<unknown> };

const now = () => new Date();
let hashes: Promise<string[]> | undefined;
/** The content hashes of content/'s evergreen library (what plan passes). */
const libraryHashes = () => (hashes ??= loadPlanContent().then((c) => c.library.map((p) => contentHash(p.tweets))));
const f = (db: Db, mod: string, fn: string) => db.code.m[mod]![fn] as (...a: unknown[]) => Promise<unknown>;
type Route = (factory: unknown) => { GET: (r: Request) => Promise<Response> };
const route = async (db: Db, mod: "status" | "health", fn: string, url: string) => (await (db.code.m[mod]![fn] as Route)(factoryOf(db)).GET(get(url))).text();
const sqlOf = (db: Db) => db.deps.clients.sql;
const factoryOf = (db: Db) => () => f(db, "root", "createRuntime")({ env: db.env, jobs: [] });
const get = (url: string) => new Request(url, { headers: { authorization: `Bearer ${ADMIN}` } });

const OPS: Op[] = [
  { name: "GET /api/status", kind: "route", run: (db) => route(db, "status", "statusRoute", "http://xbot.bench/api/status") },
  { name: "GET /api/health", kind: "route", run: (db) => route(db, "health", "healthRoute", "http://xbot.bench/api/health") },
  {
    name: "post (postingStats, claimPartial, expiredOpenAttempts)",
    kind: "job",
    run: (db) =>
      Promise.all([
        f(db, "posts", "postingStats")(sqlOf(db), ACCOUNT, now()),
        f(db, "queue", "claimPartial")(sqlOf(db), ACCOUNT, "bench", now()),
        f(db, "attempts", "expiredOpenAttempts")(sqlOf(db), ACCOUNT, now()),
      ]),
  },
  // As plan.ts calls it: with the evergreen library's hashes (today's code ignores them and reads every hash of the window).
  {
    name: "plan (loadPlanHistory, loadArms)",
    kind: "job",
    run: async (db) =>
      Promise.all([f(db, "history", "loadPlanHistory")(sqlOf(db), ACCOUNT, now(), { recentPosts: 200, minDays: 60, hashes: await libraryHashes() }), f(db, "arms", "loadArms")(sqlOf(db), ACCOUNT)]),
  },
  { name: "metrics (dueSnapshots)", kind: "job", run: (db) => f(db, "metrics", "dueSnapshots")(sqlOf(db), ACCOUNT, now(), 50) },
  { name: "followers (latestFollowers)", kind: "job", run: (db) => f(db, "followers", "latestFollowers")(sqlOf(db), ACCOUNT) },
  {
    name: "replies (postingStats, bestCandidate, recentTexts)",
    kind: "job",
    run: (db) =>
      Promise.all([f(db, "posts", "postingStats")(sqlOf(db), ACCOUNT, now()), f(db, "candidates", "bestCandidate")(sqlOf(db), ACCOUNT, now(), 1), f(db, "posts", "recentTexts")(sqlOf(db), ACCOUNT)]),
  },
  { name: "reconcile (receiptsToCheck)", kind: "job", run: (db) => f(db, "posts", "receiptsToCheck")(sqlOf(db), ACCOUNT, new Date(Date.now() - 7 * 86_400_000), now()) },
  {
    name: "learn (whole job, ~137 posts to score)",
    kind: "job",
    run: (db) => f(db, "runner", "runJob")(db.deps, { job: "learn", trigger: "manual" }),
    reset: (db) =>
      sqlOf(db).query("UPDATE posts SET scored_at = NULL, reward = NULL, reward_raw = NULL, scored_arm_id = NULL WHERE account_id = $1 AND position = 0 AND posted_at > now() - interval '2 days'", [
        ACCOUNT,
      ]),
  },
  { name: "heal (whole job, nothing stuck)", kind: "job", run: (db) => f(db, "runner", "runJob")(db.deps, { job: "heal", trigger: "manual" }) },
  { name: "xbot queue (listItems 50)", kind: "cli", run: (db) => f(db, "queue", "listItems")(sqlOf(db), ACCOUNT, { limit: 50 }) },
  { name: "xbot runs (recentRuns 50)", kind: "cli", run: (db) => f(db, "runs", "recentRuns")(sqlOf(db), { limit: 50 }) },
  { name: "xbot status (queueCounts)", kind: "cli", run: (db) => f(db, "queue", "queueCounts")(sqlOf(db), ACCOUNT, now()) },
];

interface Cell {
  t: Timing;
  trips: number;
}

async function measure(s: BenchServices, dbs: Db[], op: Op): Promise<Map<Db, Cell>> {
  const samples = new Map<Db, number[]>(dbs.map((d) => [d, []]));
  const trips = new Map<Db, number>();
  for (const d of dbs) await op.run(d); // warm-up
  for (let i = 0; i < SAMPLES; i++) {
    for (const d of i % 2 === 0 ? dbs : [...dbs].reverse()) {
      if (op.reset) await op.reset(d);
      const before = (s.neon.stats().byDatabase as Record<string, number>)[d.database] ?? 0;
      const t = performance.now();
      await op.run(d);
      samples.get(d)!.push(performance.now() - t);
      trips.set(d, ((s.neon.stats().byDatabase as Record<string, number>)[d.database] ?? 0) - before);
    }
  }
  return new Map(dbs.map((d) => [d, { t: summarise(samples.get(d)!), trips: trips.get(d)! }]));
}

const ms = (c: Cell | undefined) => (c ? `${c.t.medianMs} (p95 ${c.t.p95Ms})` : "-");

/** The scale section. */
export async function benchScale(s: BenchServices): Promise<string> {
  const tree = oldTree();
  const codes = [await loadCode("new", process.cwd())];
  if ("root" in tree) codes.unshift(await loadCode("old", tree.root));
  const results = new Map<string, Map<string, Cell>>(); // op -> `${code}:${n}` -> cell
  const loads: string[] = [];
  for (const n of SIZES) {
    const dbs: Db[] = [];
    for (const code of codes) dbs.push(await database(s, code, n));
    loads.push(`${n}: ${loadNote()}`);
    for (const op of OPS) {
      console.error(`[bench] scale ${n} ${op.name}`);
      const cells = await measure(s, dbs, op);
      const row = results.get(op.name) ?? new Map<string, Cell>();
      for (const [d, c] of cells) row.set(`${d.code.name}:${n}`, c);
      results.set(op.name, row);
    }
  }
  const header = ["operation", "round trips old → new", ...codes.flatMap((c) => SIZES.map((n) => `${c.name} ${n / 1000}k ms`)), "new 100k / 1k", "new 100k / 10k"];
  const rows = OPS.map((op) => {
    const r = results.get(op.name)!;
    const trips = codes.map((c) => r.get(`${c.name}:${SIZES.at(-1)}`)?.trips ?? "-").join(" → ");
    const ratio = (from: number | undefined) => (from === undefined ? "-" : `${round(r.get(`new:${SIZES.at(-1)}`)!.t.medianMs / r.get(`new:${from}`)!.t.medianMs)}×`);
    return [op.name, trips, ...codes.flatMap((c) => SIZES.map((n) => ms(r.get(`${c.name}:${n}`)))), ratio(SIZES[0]), ratio(SIZES.at(-2))];
  });
  const status = rows.find((r) => r[0] === "GET /api/status")!;
  const jobs = rows.filter((_, i) => OPS[i]!.kind === "job");
  const worstJob = jobs.reduce((a, b) => (parseFloat(String(a.at(-2))) >= parseFloat(String(b.at(-2))) ? a : b));
  return [
    "## scale",
    "",
    `Cost against history (bench/scale.ts, \`npm run bench:scale\`). Real Postgres behind the Neon HTTP shim, seeded at the bot's pace (137 items and ~670 job runs a day; 100k items ≈ 2 years: ~140k posts, ~290k metric snapshots, ~490k job runs). "old" is today's code, a \`git worktree\` of ${OLD_COMMIT} with its own migrations, on its own database with the same seed; "new" is this tree. ${"error" in tree ? `Old code NOT measured: ${tree.error}.` : "Both measured in this run, samples interleaved (the order alternates per sample)."} Median of ${SAMPLES} samples after one warm-up, p95 in brackets (nearest rank: with ${SAMPLES} samples, the ${Math.ceil(0.95 * SAMPLES)}th fastest). Round trips: requests the shim served for that database during one call, at 100k. learn and heal run whole through the runner (learn without its \`after: metrics\` gate, its ~137 posts unscored again before each sample); the browser jobs' rows are their database queries as the job calls them. New heal runs with XBOT_RETENTION_DAYS=3650 (the steady state: nothing past retention, so the cost shown is the retention check, not a backlog). Each database is VACUUM ANALYZEd after seeding, as autovacuum leaves tables that grew over time (this run; the previous table's databases were only ANALYZEd).`,
    "",
    table(header, rows),
    "",
    `Done-when: /api/status at 100k is ${status.at(-2)} its 1k time (target ≤ 3×); the worst job is "${worstJob[0]}" at ${worstJob.at(-2)} (target ≤ 2×).`,
    "",
    `Load average (1, 5, 15 min) when each size started: ${loads.join("; ")}.`,
  ].join("\n");
}
