/**
 * The deployed functions as `npm run vc:build` makes them (vercel build, then one esbuild
 * bundle per function: scripts/bundle-functions.ts): size of each function, and cold import
 * time (a fresh `node` process importing the built handler from a copy of its `.func` outside
 * the project tree, NODE_PATH unset: scripts/cold-import.ts), side by side with a bare `node`
 * start and with the same function as vercel build alone leaves it (traced, not bundled), all
 * in the same run, interleaved round by round. The previous run's ratios are kept for comparison.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { bundleOf, handlerOf } from "../scripts/vc-bundles.js";
import type { BenchServices } from "./lib/services.js";
import { coldRequest, coldStartMs, importCode, isolatedCopy } from "../scripts/cold-import.js";
import { round, summarise, table } from "./lib/measure.js";

const OUTPUT = ".vercel/output/functions/api";
/** Where vc-build.sh copies vercel build's own output before bundling (XBOT_TRACED_COPY). */
const TRACED = join(tmpdir(), "xbot-bench-traced-output");
const RUNS = 9;

/**
 * The previous run of this benchmark (docs/benchmarks.md at 84cb153, same machine, load
 * average 5.9-10.7 on 2 cores): esbuild bundles before zod's namespace import, the lazy API
 * transport and the lazy browser launch code (bundle MB, x bare node).
 */
const BEFORE: Record<string, readonly [number, number]> = {
  "api/artifacts": [0.93, 3.72],
  "api/health": [0.94, 4.2],
  "api/jobs/followers": [73.43, 5.93],
  "api/jobs/heal": [73.46, 5.39],
  "api/jobs/learn": [1.07, 4.85],
  "api/jobs/metrics": [73.44, 5.62],
  "api/jobs/plan": [2.3, 5.05],
  "api/jobs/post": [73.45, 6.25],
  "api/jobs/reconcile": [73.45, 7.59],
  "api/jobs/replies": [74.67, 7.04],
  "api/media": [0.93, 2.93],
  "api/queue": [1.06, 4.23],
  "api/review": [1.36, 4.91],
  "api/status": [0.95, 4.89],
};

/**
 * Functions also timed through their first request (cold start, import and the answer), against
 * the bench's real Postgres and Redis behind the Neon HTTP and Upstash REST shims: health's
 * public GET (200: config, clients, the migration check, every probe), and a job route's cron
 * GET without the secret (401 after the runtime is built). The answer is checked every time.
 */
const FIRST_REQUESTS: Record<string, { status: number; headers?: Record<string, string> }> = {
  "api/health": { status: 200 },
  "api/jobs/post": { status: 401 },
  "api/jobs/plan": { status: 401 },
};

/** Module groups a function may load before its first request, imported alone in a fresh node (from the project). */
const GROUPS = ["zod", "croner", "@neondatabase/serverless", "@upstash/redis", "twitter-api-v2", "@upstash/qstash", "ai", "@ai-sdk/openai", "playwright-core", "@sparticuz/chromium"] as const;

function groupRows(bareMs: number): (string | number)[][] {
  return GROUPS.map((spec) => {
    const median = summarise(Array.from({ length: RUNS }, () => coldStartMs(process.cwd(), `await import(${JSON.stringify(spec)});`))).medianMs;
    return [`\`${spec}\``, median, round(median - bareMs)];
  });
}

function functions(output: string): { route: string; dir: string; handler: string }[] {
  const found: { route: string; dir: string; handler: string }[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir)) {
      if (entry.endsWith(".func")) found.push({ route: `api/${prefix}${entry.slice(0, -5)}`, dir: join(dir, entry), handler: handlerOf(join(dir, entry)) });
      else if (!entry.includes(".")) walk(join(dir, entry), `${prefix}${entry}/`);
    }
  };
  walk(output, "");
  return found.sort((a, b) => a.route.localeCompare(b.route));
}

type Timed = { route: string; dir: string; handler: string; bytes: number; kind: string; copy: { dir: string; dispose: () => void }; samples: number[]; requests: number[] };

function timed(output: string): Timed[] {
  return functions(output).map((fn) => {
    const bundle = bundleOf(fn.dir);
    const kind = bundle.has.chromium ? "browser" : bundle.has.aiSdk ? "AI SDK" : "plain";
    return { ...fn, bytes: bundle.bytes, kind, copy: isolatedCopy(fn.dir), samples: [], requests: [] };
  });
}

/** The targets (non-browser at most 1.5x a bare node start, browser at most 2x), checked against this run's rows. */
function targetsLine(rows: (string | number)[][]): string {
  const check = (kind: (k: string) => boolean, limit: number) => {
    const mine = rows.filter((r) => kind(String(r[1])));
    const met = mine.filter((r) => Number(r[4]) <= limit);
    const worst = Math.max(...mine.map((r) => Number(r[4])));
    return `${met.length} of ${mine.length} within ${limit}x (worst ${worst}x)`;
  };
  return `Targets in this run: non-browser functions ${check((k) => k !== "browser", 1.5)}; browser functions ${check((k) => k === "browser", 2)}.`;
}

/** The environment of a first request: the bench's database and Redis, a cron secret the request does not send. */
async function requestEnv(services: BenchServices): Promise<Record<string, string>> {
  const { url } = await services.postgresDatabase();
  return {
    DATABASE_URL: url,
    XBOT_NEON_HTTP_URL: services.neon.sqlUrl,
    XBOT_STATE: "redis",
    UPSTASH_REDIS_REST_URL: services.upstash.restUrl,
    UPSTASH_REDIS_REST_TOKEN: services.upstash.token,
    XBOT_PREFIX: "benchcold",
    CRON_SECRET: "bench-cron-secret-0123456789",
    XBOT_LOG_LEVEL: "error",
  };
}

/** Times one function's first request from its isolated copy; throws when it answers anything but the expected status. */
async function firstRequestMs(fn: Timed, env: Record<string, string>): Promise<number> {
  const expected = FIRST_REQUESTS[fn.route]!;
  const { ms, answer } = await coldRequest(fn.copy.dir, fn.handler, { method: "GET", url: `https://bench.invalid/${fn.route}`, env, ...(expected.headers ? { headers: expected.headers } : {}) });
  if (answer.status !== expected.status) throw new Error(`${fn.route} answered ${answer.status} ${answer.body.slice(0, 200)}, expected ${expected.status}`);
  return ms;
}

/** Runs the benchmark and returns its markdown section. */
export async function benchFunctions(services: BenchServices): Promise<string> {
  execFileSync("bash", ["scripts/vc-build.sh"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, XBOT_TRACED_COPY: TRACED } });
  const load = loadavg()[0]!.toFixed(1);
  const fns = timed(OUTPUT);
  const traced = new Map(timed(join(TRACED, "functions/api")).map((fn) => [fn.route, fn]));
  const env = await requestEnv(services);
  const bare: number[] = [];
  try {
    for (let round = 0; round < RUNS; round++) {
      bare.push(coldStartMs(tmpdir(), ""));
      for (const fn of [...fns, ...traced.values()]) fn.samples.push(coldStartMs(fn.copy.dir, importCode(fn.handler)));
      for (const fn of fns.filter((f) => FIRST_REQUESTS[f.route])) fn.requests.push(await firstRequestMs(fn, env));
    }
  } finally {
    for (const fn of [...fns, ...traced.values()]) fn.copy.dispose();
    rmSync(TRACED, { recursive: true, force: true });
  }
  const bareMs = summarise(bare).medianMs;
  const rows: (string | number)[][] = [['bare `node -e ""`', "-", "-", bareMs, "1.00", "-", "-", "-", "-", "-", "-"]];
  for (const fn of fns) {
    const median = summarise(fn.samples).medianMs;
    const t = traced.get(fn.route);
    const before = BEFORE[fn.route];
    const request = fn.requests.length > 0 ? summarise(fn.requests).medianMs : undefined;
    rows.push([
      fn.route,
      fn.kind,
      round(fn.bytes / 1e6),
      median,
      round(median / bareMs),
      request === undefined ? "-" : `${request} (${FIRST_REQUESTS[fn.route]!.status})`,
      request === undefined ? "-" : round(request / bareMs),
      t ? round(t.bytes / 1e6) : "-",
      t ? round(summarise(t.samples).medianMs / bareMs) : "-",
      before?.[0] ?? "-",
      before?.[1] ?? "-",
    ]);
  }
  const groups = groupRows(summarise(Array.from({ length: RUNS }, () => coldStartMs(process.cwd(), ""))).medianMs);
  return [
    "## Deployed functions: size and cold import",
    "",
    `Method: \`npm run vc:build\` runs vercel build (offline), which transpiles each function and traces the files it needs but does not bundle (a cold start reads, resolves and compiles every module: 160 files for api/status), then scripts/bundle-functions.ts replaces each function's module tree with one esbuild bundle (ESM, whitespace and syntax minified, dynamic imports as separate chunks, zod imported as a namespace so unused parts and its locales are shaken out; @sparticuz/chromium, playwright-core and sharp stay packages) under .vercel/output/functions. Size is the sum of the function's file sizes in MB (10^6 bytes; Vercel's limit is 250 MB unzipped; scripts/check-vc-output.ts enforces 5 MB for plain functions, 12 MB with the AI SDK, 1.15x @sparticuz/chromium for browser functions). Cold import is the wall time of a fresh \`node\` process that imports the built handler module from a copy of its .func directory outside the project tree with NODE_PATH unset (a package missing from the bundle fails the run instead of resolving upward), median of ${RUNS} rounds; each round times a bare \`node -e ""\` start, every bundled function, every function as vercel build alone left it ("vercel build alone" columns), and the whole cold start of three functions: a fresh \`node\` that imports the handler and answers one request ("+ first request" columns; the request is a web Request to the exported GET, as Vercel's Node runtime calls api/*.ts; api/health's public GET answers 200 after building the runtime, checking migrations and running every probe against the bench's real Postgres and Redis through the Neon HTTP and Upstash REST shims in this process; api/jobs/post and api/jobs/plan answer a cron GET without the secret 401 after building the runtime), so the ratios compare within one run (1-minute load average when timing began: ${load} on ${cpus().length} cores; a loaded machine inflates import time more than a bare start). Importing does not launch Chromium, unpack it or open connections: clients are created per invocation. The "previous run" columns are this benchmark at 84cb153 (bundled, before zod's namespace import and the lazy API transport, browser launch code and page operations; load 5.9-10.7 on the same 2 cores).`,
    "",
    table(
      [
        "function",
        "kind",
        "bundle MB",
        "cold start + import ms (median)",
        "x bare node",
        "+ first request ms (median, status)",
        "+ first request: x bare node",
        "vercel build alone: MB",
        "vercel build alone: x bare node",
        "previous run: MB",
        "previous run: x bare node",
      ],
      rows,
    ),
    "",
    targetsLine(rows.slice(1)),
    "",
    "Where a bundled import goes (api/health, 0.49 MB, isolated copy, load about 1 on 2 cores, before this run): V8 compiling the module is about 14 ms (`new vm.SourceTextModule` of the file); loading `node:crypto` 7-25 ms (the bundle imports it statically: the bearer check, the migration checksums and @upstash/redis's script hashing through uncrypto, which also touches WebCrypto at load); building lib/config.ts's schema 13-15 ms (mostly zod compiling its own functions on first use; the first request parses the environment with the same code, so deferring it would only move it); @neondatabase/serverless's module code 7-10 ms (timing marks between the bundle's modules). Every function needs all four for its first request. Browser functions' entry and static chunks went from 1.26 MB to about 0.56 MB: twitter-api-v2 (the X API transport) loads when a run selects it, lib/browser's launch code at the first launch, lib/x's page operations once the browser is up. plan, replies and review still load lib/content's twitter-text (with core-js), obscenity and unhomoglyph at import (about 0.35 MB, and 40-90 ms of module code in-process at load 7): loading them at the first content check is the next cut. `module.enableCompileCache()` was not used: on Vercel only /tmp is writable, so a cold instance starts with an empty cache.",
    "",
    "What each module group costs at import, alone in a fresh `node` (from the project's node_modules, unbundled, median of the same number of runs): the browser libraries and the AI SDK are loaded on first use only (lib/browser/modules.ts, lib/jobs/plan.ts), twitter-api-v2 when a run selects the API transport (lib/jobs/x-access.ts), and @upstash/qstash on the first signed delivery (lib/runtime/http/qstash-token.ts), so no function pays for them at cold start; zod, @neondatabase/serverless, @upstash/redis and croner are what every function needs for its first request.",
    "",
    table(["module", "start + import ms (median)", "ms over bare node"], groups),
  ].join("\n");
}
