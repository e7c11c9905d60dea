/**
 * A simulated day at the default caps on each transport, side by side: the post job every 5
 * minutes, reconcile every 15, replies every 20 (no LLM: it reads mentions, on its jittered
 * poll cadence), metrics hourly at :20 and followers every 2 h (their cron schedules) for 24
 * simulated hours, steady-state ramp (20 actions a day), on the sandbox with real Postgres.
 * Counted by the sandbox itself: HTML page loads and GraphQL calls (browser) versus v2 API
 * calls (api), and the API's estimated dollars from the rate card (the budget's own counters).
 */
import { createSandbox, type Sandbox } from "../lib/dev/sandbox/index.js";
import { loadConfig } from "../lib/config.js";
import { enqueue } from "../lib/db/queue.js";
import { openBrowser, sparticuzProvider } from "../lib/browser/index.js";
import { createRuntime } from "../lib/runtime/root.js";
import { runJob } from "../lib/runtime/runner.js";
import { post } from "../lib/jobs/post.js";
import { reconcile } from "../lib/jobs/reconcile.js";
import { followers } from "../lib/jobs/followers.js";
import { metrics } from "../lib/jobs/metrics.js";
import { replies } from "../lib/jobs/replies.js";
import { xApiSpend } from "../lib/jobs/x-budget.js";
import { PRICES_AS_OF } from "../lib/x/transport/prices.js";
import type { BenchServices } from "./lib/services.js";
import { round, table } from "./lib/measure.js";

const DAY_MS = 24 * 3_600_000;
const TICK_MS = 5 * 60_000;

/** The jobs whose cron schedule falls on `offset` (minutes into the simulated day). */
function dueJobs(offset: number): string[] {
  const m = offset / 60_000;
  return ["post", ...(m % 15 === 0 ? ["reconcile"] : []), ...(m % 20 === 0 ? ["replies"] : []), ...(m % 60 === 20 ? ["metrics"] : []), ...(m % 120 === 0 ? ["followers"] : [])];
}

interface DayResult {
  visitSkips: number;
  visitSkipsByJob: string;
  posts: number;
  pages: number;
  graphql: number;
  api: number;
  usd: number;
  byOp: Record<string, number>;
  browsers: number;
  wallMs: number;
}

async function simulate(services: BenchServices, sandbox: Sandbox, transport: "browser" | "api"): Promise<DayResult> {
  sandbox.reset();
  const { sql, url } = await services.postgresDatabase();
  const start = Date.now();
  let offset = 0;
  const clock = { now: () => start + offset };
  const k = sandbox.apiKeys;
  const config = loadConfig({
    DATABASE_URL: url,
    XBOT_NEON_HTTP_URL: services.neon.sqlUrl,
    XBOT_PREFIX: `benchx${transport}`,
    XBOT_X_BASE_URL: sandbox.url,
    XBOT_X_USER: sandbox.user,
    XBOT_TYPING: "fill",
    XBOT_LOG_LEVEL: "error",
    XBOT_RAMP_START: new Date(start - 30 * DAY_MS).toISOString().slice(0, 10),
    XBOT_X_API_DAILY_BUDGET_USD: "100",
    ...(transport === "api"
      ? { XBOT_X_TRANSPORT: "api", XBOT_X_API_BASE_URL: sandbox.url, X_API_KEY: k.appKey, X_API_SECRET: k.appSecret, X_ACCESS_TOKEN: k.accessToken, X_ACCESS_SECRET: k.accessSecret }
      : {}),
  });
  let browsers = 0;
  const deps = await createRuntime({
    config,
    jobs: [post, reconcile, replies, metrics, followers],
    clock,
    logSink: () => {},
    openBrowser: async ({ log }) => {
      browsers++;
      return openBrowser({ provider: sparticuzProvider(), storageState: sandbox.storageState(), logger: log });
    },
  });
  for (let i = 0; i < 40; i++) await enqueue(sql, { accountId: "default", kind: "single", tweets: [`simulated day ${transport} post ${i} ${start}`], source: "manual", dueAt: new Date(start - 1000) });
  const refusedBy: Record<string, number> = {};
  const wall = performance.now();
  for (offset = 0; offset < DAY_MS; offset += TICK_MS) {
    sandbox.setNow(clock.now());
    for (const job of dueJobs(offset)) {
      const r = await runJob(deps, { job, trigger: "cron" });
      if (r.status === "skipped" && r.reason === "visits budget") refusedBy[job] = (refusedBy[job] ?? 0) + 1;
    }
  }
  const wallMs = performance.now() - wall;
  const days = [start, start + DAY_MS];
  let usd = 0;
  const byOp: Record<string, number> = {};
  for (const t of days) {
    const spend = await xApiSpend(deps.clients.state, t, 100, {});
    usd += spend.spentTodayUsd;
    for (const [op, v] of Object.entries(spend.byOp)) byOp[op] = (byOp[op] ?? 0) + v.usd;
  }
  const posts = sandbox.posts().filter((p) => p.author === sandbox.user && p.text.startsWith("simulated day")).length;
  const counts = sandbox.requestCounts();
  sandbox.setNow(null);
  const visitSkips = Object.values(refusedBy).reduce((a, b) => a + b, 0);
  const visitSkipsByJob =
    Object.entries(refusedBy)
      .map(([j, n]) => `${j} ${n}`)
      .join(", ") || "none";
  return { visitSkips, visitSkipsByJob, posts, pages: counts.page, graphql: counts.graphql, api: counts.api, usd, byOp, browsers, wallMs };
}

/** Runs the benchmark and returns its markdown section. */
export async function benchXTransports(services: BenchServices): Promise<string> {
  const sandbox = await createSandbox();
  try {
    const browser = await simulate(services, sandbox, "browser");
    const api = await simulate(services, sandbox, "api");
    const row = (name: string, f: (r: DayResult) => string | number) => [name, f(browser), f(api)];
    return [
      "## X transports: one simulated day at the default caps",
      "",
      `Method: 24 simulated hours (a moved clock) of the post job every 5 minutes and reconcile every 15 minutes, the caps at their defaults with the ramp at its steady state (20 actions a day), 40 items due, on the sandbox with real Postgres and state in Postgres; once through the browser transport (a cold Chromium per run that touches X), once through the X API v2 transport (the real twitter-api-v2 client). The same day also runs the read jobs on their schedules: replies every 20 minutes (no LLM configured, so it only reads mentions, on its jittered poll cadence inside XBOT_REPLY_HOURS), metrics hourly at :20 and followers every 2 hours. On the API they read through \`GET /2/tweets?ids=\` (100 ids a call), \`GET /2/users/me\` public_metrics and \`GET /2/users/:id/mentions\`; our user id is cached in the state store for 24 h. The sandbox counts what X would see. API dollars are the budget's own counters priced by the default rate card (docs.x.com pricing read ${PRICES_AS_OF}: $0.015 a post, $0.001 an owned-read post (timeline, mentions), $0.005 another post read (metrics lookups), $0.010 a user read (followers, users/me)).`,
      "",
      table(
        ["per simulated day", "browser", "api"],
        [
          row("posts on X", (r) => r.posts),
          row("HTML page loads", (r) => r.pages),
          row("GraphQL calls", (r) => r.graphql),
          row("X API v2 calls", (r) => r.api),
          row("Chromium launches", (r) => r.browsers),
          row("runs skipped by the visit budget (XBOT_X_VISITS_PER_DAY=60)", (r) => r.visitSkips),
          row("… by job", (r) => r.visitSkipsByJob),
          row("estimated X API dollars", (r) => round(r.usd)),
          row("… of which posts (POST /2/tweets)", (r) => round(r.byOp.post ?? 0)),
          row("… of which owned timeline reads (reconcile)", (r) => round(r.byOp.timeline ?? 0)),
          row("… of which metrics (GET /2/tweets?ids=)", (r) => round(r.byOp.metrics ?? 0)),
          row("… of which followers (GET /2/users/me public_metrics)", (r) => round(r.byOp.followers ?? 0)),
          row("… of which mentions (GET /2/users/:id/mentions)", (r) => round(r.byOp.mentions ?? 0)),
          row("… of which GET /2/users/me (our id, cached 24 h)", (r) => round(r.byOp.me ?? 0)),
          row("wall time of the simulation, s", (r) => round(r.wallMs / 1000)),
        ],
      ),
    ].join("\n");
  } finally {
    await sandbox.close();
  }
}
