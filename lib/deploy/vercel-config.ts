/**
 * vercel.json, generated from the job specs (lib/jobs/specs.ts) so that functions, crons and
 * schedules live in one place with the jobs. `npm run vc:config` writes it;
 * tests/unit/vercel-config.test.ts fails when the file and this generator disagree.
 *
 * - Every function excludes what is never deployed: embedded PGlite (reached only by a
 *   dynamic import when DATABASE_URL is unset, which the config refuses on Vercel), lib/dev,
 *   swiftshader (the browser runs without a GPU, see lib/browser/provider.ts), and zod's CommonJS build.
 *   scripts/check-vc-output.ts checks the built bundles.
 * - A job function may live as long as its job lock (maxDuration plus settle time), capped
 *   at 300 s, the Hobby maximum (https://vercel.com/docs/functions/limitations).
 * - Browser functions ask for 1769 MB (`memory`); see README "Deploy" for where Fluid
 *   compute takes memory from (https://vercel.com/docs/functions/configuring-functions).
 * - Jobs are scheduled as Cron Jobs (`crons`), or with `--schedules` as Vercel Schedules
 *   with path targets (https://vercel.com/docs/schedules/migrate-from-cron-jobs): the
 *   same GET with `Bearer $CRON_SECRET`, so the job routes take either.
 */
import { SPECS } from "../jobs/specs.js";
import { lockTtlMs } from "../runtime/admission.js";
import { opensBrowser, type JobSpec } from "../jobs/job.js";
import { SECURITY_HEADERS } from "../runtime/http/security-headers.js";

/**
 * Files no deployed function may carry. zod's CommonJS build too: every importer of zod here
 * is an ES module (no bundled file calls require("zod")), but the tracer keeps both builds
 * from zod's export map, 1.25 MB that the replies function (browser and AI SDK) cannot spare.
 * check-vc-output.ts cold-imports every function from its bundle alone, so a missing file fails CI.
 */
export const NEVER_DEPLOYED = ["node_modules/@electric-sql/**", "lib/dev/**", "lib/db/pglite-fetch.*", "node_modules/@sparticuz/chromium/bin/swiftshader.tar.br", "node_modules/zod/**/*.cjs"] as const;

/** The routes that are not jobs, with their maxDuration in seconds. */
export const ROUTES = { health: 30, status: 30, artifacts: 30, media: 30, review: 30, queue: 30, accounts: 30 } as const;

/** Memory of a browser function, MB. */
export const BROWSER_MEMORY_MB = 1769;

const MIGRATIONS = "lib/db/migrations/**";
const exclude = `{${NEVER_DEPLOYED.join(",")}}`;

interface FunctionConfig {
  maxDuration: number;
  memory?: number;
  includeFiles: string;
  excludeFiles: string;
}

function jobFunction(job: JobSpec): FunctionConfig {
  const maxDuration = Math.min(300, Math.ceil(lockTtlMs(job) / 1000));
  return opensBrowser(job)
    ? { maxDuration, memory: BROWSER_MEMORY_MB, includeFiles: `{${MIGRATIONS},content/**}`, excludeFiles: exclude }
    : { maxDuration, includeFiles: `{${MIGRATIONS},content/**}`, excludeFiles: exclude };
}

/** vercel.json for these jobs; `schedules` switches from Cron Jobs to Vercel Schedules. */
export function vercelConfig(options: { schedules?: boolean; jobs?: readonly JobSpec[] } = {}): Record<string, unknown> {
  const jobs = options.jobs ?? SPECS;
  const functions: Record<string, FunctionConfig> = {};
  for (const [route, maxDuration] of Object.entries(ROUTES)) functions[`api/${route}.ts`] = { maxDuration, includeFiles: MIGRATIONS, excludeFiles: exclude };
  for (const job of jobs) functions[`api/jobs/${job.name}.ts`] = jobFunction(job);
  const timing = options.schedules
    ? { schedules: Object.fromEntries(jobs.map((job) => [job.name, { schedule: job.schedule, path: `/api/jobs/${job.name}`, requestMethod: "GET", timezone: "UTC" }])) }
    : { crons: jobs.map((job) => ({ path: `/api/jobs/${job.name}`, schedule: job.schedule })) };
  return {
    $schema: "https://openapi.vercel.sh/vercel.json",
    framework: null,
    outputDirectory: "public",
    functions,
    ...timing,
    headers: [{ source: "/(.*)", headers: Object.entries(SECURITY_HEADERS).map(([key, value]) => ({ key: headerName(key), value })) }],
  };
}

function headerName(lower: string): string {
  return lower
    .split("-")
    .map((part) => (part === "x" ? "X" : part[0]!.toUpperCase() + part.slice(1)))
    .join("-");
}

/** The file text of vercel.json. */
export function vercelJsonText(options: { schedules?: boolean } = {}): string {
  return `${JSON.stringify(vercelConfig(options), null, 2)}\n`;
}
