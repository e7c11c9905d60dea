/**
 * The deployed functions as `vercel build` makes them: size of each function bundle, and
 * cold import time (a fresh `node` process importing the built handler from a copy of its
 * `.func` outside the project tree, NODE_PATH unset: bench/lib/cold-import.ts), side by side
 * with a bare `node` start in the same run, interleaved round by round. The numbers before
 * per-function bundles (one 96 MB bundle for all) are kept for comparison.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { bundleOf } from "../scripts/vc-bundles.js";
import type { BenchServices } from "./lib/services.js";
import { coldStartMs, importCode, isolatedCopy } from "../scripts/cold-import.js";
import { round, summarise, table } from "./lib/measure.js";

const OUTPUT = ".vercel/output/functions/api";
const RUNS = 9;

/**
 * Before per-function bundles: docs/benchmarks.md at commit 5c71464 (bundle MB, x bare node;
 * imported in place, so a missing package could still resolve from the project).
 */
const BEFORE: Record<string, readonly [number, number]> = {
  "api/artifacts": [95.7, 3.01], "api/health": [95.72, 3.39], "api/jobs/followers": [95.73, 3.19], "api/jobs/heal": [95.73, 3.24],
  "api/jobs/learn": [95.73, 3.65], "api/jobs/metrics": [95.73, 3.1], "api/jobs/plan": [95.74, 3.37], "api/jobs/post": [95.74, 3.62],
  "api/jobs/reconcile": [95.73, 3.56], "api/jobs/replies": [95.73, 3.53], "api/queue": [96.87, 4.26], "api/status": [95.73, 3.93],
};

/** Module groups a function may load before its first request, imported alone in a fresh node (from the project). */
const GROUPS = ["zod", "croner", "@neondatabase/serverless", "@upstash/redis", "@upstash/qstash", "ai", "@ai-sdk/openai", "playwright-core", "@sparticuz/chromium"] as const;

function groupRows(bareMs: number): (string | number)[][] {
  return GROUPS.map((spec) => {
    const median = summarise(Array.from({ length: RUNS }, () => coldStartMs(process.cwd(), `await import(${JSON.stringify(spec)});`))).medianMs;
    return [`\`${spec}\``, median, round(median - bareMs)];
  });
}

function functions(): { route: string; dir: string; handler: string }[] {
  const found: { route: string; dir: string; handler: string }[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir)) {
      if (entry.endsWith(".func")) {
        const name = entry.slice(0, -5);
        found.push({ route: `api/${prefix}${name}`, dir: join(dir, entry), handler: join("api", prefix, `${name}.js`) });
      } else if (!entry.includes(".")) walk(join(dir, entry), `${prefix}${entry}/`);
    }
  };
  walk(OUTPUT, "");
  return found.sort((a, b) => a.route.localeCompare(b.route));
}

/** Runs the benchmark and returns its markdown section. */
export async function benchFunctions(_services: BenchServices): Promise<string> {
  execFileSync("bash", ["scripts/vc-build.sh"], { stdio: ["ignore", "ignore", "inherit"] });
  const load = loadavg()[0]!.toFixed(1);
  const fns = functions().map((fn) => ({ ...fn, bundle: bundleOf(fn.dir), copy: isolatedCopy(fn.dir), samples: [] as number[] }));
  const bare: number[] = [];
  try {
    for (let round = 0; round < RUNS; round++) {
      bare.push(coldStartMs(tmpdir(), ""));
      for (const fn of fns) fn.samples.push(coldStartMs(fn.copy.dir, importCode(fn.handler)));
    }
  } finally {
    for (const fn of fns) fn.copy.dispose();
  }
  const bareMs = summarise(bare).medianMs;
  const rows: (string | number)[][] = [["bare `node -e \"\"`", "-", "-", bareMs, "1.00", "-", "-"]];
  for (const fn of fns) {
    const median = summarise(fn.samples).medianMs;
    const kind = fn.bundle.has.chromium ? "browser" : fn.bundle.has.aiSdk ? "AI SDK" : "plain";
    const before = BEFORE[fn.route];
    rows.push([fn.route, kind, round(fn.bundle.bytes / 1e6), median, round(median / bareMs), before?.[0] ?? "-", before?.[1] ?? "-"]);
  }
  const groups = groupRows(summarise(Array.from({ length: RUNS }, () => coldStartMs(process.cwd(), ""))).medianMs);
  return [
    "## Deployed functions: size and cold import",
    "",
    `Method: \`npm run vc:build\` (vercel build, offline) produces one bundle per function under .vercel/output/functions. Size is the sum of the bundle's file sizes in MB (10^6 bytes; Vercel's limit is 250 MB unzipped; scripts/check-vc-output.ts enforces 5 MB for plain functions, 12 MB with the AI SDK, 1.15x @sparticuz/chromium for browser functions). Cold import is the wall time of a fresh \`node\` process that imports the built handler module from a copy of its .func directory outside the project tree with NODE_PATH unset (a package missing from the bundle fails the run instead of resolving upward), median of ${RUNS} rounds; each round times a bare \`node -e ""\` start and then every function, so the ratio to bare node compares within one run (1-minute load average when timing began: ${load} on ${cpus().length} cores; a loaded machine inflates import time more than a bare start). Importing does not launch Chromium, unpack it or open connections: clients are created per invocation. The "before" columns are the previous run of this benchmark (docs/benchmarks.md at 5c71464: every function was one 96 MB bundle holding Chromium, PGlite, Playwright and the AI SDK, imported in place).`,
    "",
    table(["function", "kind", "bundle MB", "cold start + import ms (median)", "x bare node", "before: bundle MB", "before: x bare node"], rows),
    "",
    "What each module group costs at import, alone in a fresh `node` (from the project's node_modules, median of the same number of runs): the browser libraries and the AI SDK are loaded on first use only (lib/browser/modules.ts, lib/jobs/plan.ts), and @upstash/qstash on the first signed delivery (lib/runtime/http/qstash-token.ts), so no function pays for them at cold start.",
    "",
    table(["module", "start + import ms (median)", "ms over bare node"], groups),
  ].join("\n");
}
