/**
 * Checks `.vercel/output` after `vercel build`: config.json carries exactly the jobs'
 * crons, every job and route has its function with the job's maxDuration, nothing from
 * lib/, api/ or a config file is published as static, and each function's bundle holds only
 * what its job uses (see lib/runtime/http/job-function.ts):
 * - no function contains @electric-sql/pglite or lib/dev;
 * - only functions of jobs that open a browser contain @sparticuz/chromium or playwright-core,
 *   and they are at most 1.15x the size of node_modules/@sparticuz/chromium;
 * - only functions of jobs that use the LLM contain the AI SDK (`ai`, `@ai-sdk/*`);
 * - every other function is at most 5 MB, or 12 MB with the AI SDK;
 * - every function is bundled (scripts/bundle-functions.ts: its handler is `bundle/<entry>.mjs`,
 *   and the contents checks above also cover the sources bundled into it);
 * - every function's handler imports from a copy of its bundle outside the project tree,
 *   with NODE_PATH unset (cold-import.ts): a file or package the bundle lacks fails here,
 *   not on the first request after a deploy;
 * - every function, from that copy, answers a request (its GET, else its POST, as a web
 *   Request) with the database unreachable: 503 `db_unavailable` in JSON. That runs the bundled
 *   config parsing, the migration files of its filePathMap, the Neon driver's fetch and the
 *   error mapping (a missing migrations directory answers `internal` instead).
 * Prints each function's size. Exits 1 naming each problem.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { SPECS } from "../lib/jobs/specs.js";
import { opensBrowser } from "../lib/jobs/job.js";
import { bundleOf, dirBytes, handlerOf, walk } from "./vc-bundles.js";
import { coldRequest, coldStartMs, importCode, isolatedCopy } from "./cold-import.js";

const out = ".vercel/output";
const MB = 1_000_000;
const problems: string[] = [];
if (!existsSync(join(out, "config.json"))) {
  console.error("vc:build check: .vercel/output/config.json is missing (vercel build built nothing?)");
  process.exit(1);
}
const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as { crons?: { path: string; schedule: string }[] };
const crons = new Map((config.crons ?? []).map((c) => [c.path, c.schedule]));
for (const job of SPECS) {
  if (crons.get(`/api/jobs/${job.name}`) !== job.schedule) problems.push(`cron for ${job.name} missing or not "${job.schedule}"`);
  const func = join(out, "functions/api/jobs", `${job.name}.func`, ".vc-config.json");
  if (!existsSync(func)) problems.push(`function api/jobs/${job.name} was not built`);
  else {
    const vc = JSON.parse(readFileSync(func, "utf8")) as { maxDuration?: number };
    if ((vc.maxDuration ?? 0) * 1000 < job.maxDurationMs) problems.push(`api/jobs/${job.name} maxDuration ${vc.maxDuration}s < job's ${job.maxDurationMs} ms`);
  }
}
if (crons.size !== SPECS.length) problems.push(`config.json has ${crons.size} crons for ${SPECS.length} jobs`);
for (const route of ["health", "queue", "status", "artifacts"]) if (!existsSync(join(out, "functions/api", `${route}.func`))) problems.push(`function api/${route} was not built`);
const staticDir = join(out, "static");
for (const file of existsSync(staticDir) ? walk(staticDir).map((f) => relative(staticDir, f)) : []) {
  if (/\.(ts|mts|sql)$/.test(file) || /^(lib|api|tests|bench|scripts)\//.test(file) || /(package(-lock)?|tsconfig|vercel)\.json$|\.env/.test(file)) problems.push(`published as static: ${file}`);
}

const chromiumBytes = dirBytes("node_modules/@sparticuz/chromium");
const browserLimit = Math.round(chromiumBytes * 1.15);
const rows: string[] = [];
for (const name of functionNames()) {
  const bundle = bundleOf(join(out, "functions", `${name}.func`));
  const spec = SPECS.find((s) => `api/jobs/${s.name}` === name);
  const browser = spec ? opensBrowser(spec) : false;
  const llm = spec?.usesLlm === true;
  const limit = browser ? browserLimit : bundle.has.aiSdk ? 12 * MB : 5 * MB;
  rows.push(`${name.padEnd(20)} ${(bundle.bytes / MB).toFixed(1).padStart(6)} MB  limit ${(limit / MB).toFixed(1)} MB${browser ? " (browser)" : ""}${bundle.has.aiSdk ? " (AI SDK)" : ""}`);
  if (bundle.has.pglite) problems.push(`${name} contains @electric-sql/pglite`);
  if (bundle.has.libDev) problems.push(`${name} contains lib/dev`);
  if (!browser && (bundle.has.chromium || bundle.has.playwright)) problems.push(`${name} contains @sparticuz/chromium or playwright-core but its job never opens a browser`);
  if (!llm && bundle.has.aiSdk) problems.push(`${name} contains the AI SDK but its job never calls the LLM`);
  if (!bundle.bundled || !handlerOf(join(out, "functions", `${name}.func`)).startsWith("bundle/")) problems.push(`${name} was not bundled by scripts/bundle-functions.ts`);
  if (bundle.bytes > limit) problems.push(`${name} is ${(bundle.bytes / MB).toFixed(2)} MB, over its ${(limit / MB).toFixed(2)} MB limit`);
  const problem = await startProblem(join(out, "functions", `${name}.func`), name);
  if (problem) problems.push(problem);
}
console.log(`function sizes (@sparticuz/chromium is ${(chromiumBytes / MB).toFixed(1)} MB):\n  ${rows.join("\n  ")}`);
if (problems.length > 0) {
  console.error(`vc:build check failed:\n  - ${problems.join("\n  - ")}`);
  process.exit(1);
}
console.log(`vc:build check: ${SPECS.length} job functions and crons, routes present, no sources published, bundles within their limits, each imports and answers a request from an isolated copy.`);

/**
 * Imports the handler from an isolated copy of the function, then sends it a request with its
 * database unreachable (a closed local port); null when it imports and answers 503 db_unavailable.
 */
async function startProblem(funcDir: string, name: string): Promise<string | null> {
  const copy = isolatedCopy(funcDir);
  try {
    coldStartMs(copy.dir, importCode(handlerOf(funcDir)));
  } catch (error) {
    copy.dispose();
    return `${name} does not import from its own bundle: ${(error as Error).message}`;
  }
  try {
    const env = { DATABASE_URL: "postgres://smoke@127.0.0.1:9/smoke", XBOT_NEON_HTTP_URL: "http://127.0.0.1:9/sql" };
    const { answer } = await coldRequest(copy.dir, handlerOf(funcDir), { url: `https://smoke.invalid/${name}`, env });
    const code = (JSON.parse(answer.body) as { error?: string }).error;
    return answer.status === 503 && code === "db_unavailable" ? null : `${name} answered ${answer.method} with ${answer.status} ${answer.body.slice(0, 160)}, not 503 db_unavailable`;
  } catch (error) {
    return `${name} did not answer a request from its own bundle: ${(error as Error).message}`;
  } finally {
    copy.dispose();
  }
}

function functionNames(): string[] {
  const root = join(out, "functions");
  const names: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name.endsWith(".func")) names.push(relative(root, join(dir, entry.name)).replace(/\.func$/, ""));
      else visit(join(dir, entry.name));
    }
  };
  visit(root);
  return names.sort();
}
