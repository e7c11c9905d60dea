/**
 * A simulated day of logged-in visits to X on the sandbox: every job of JOBS on its own cron
 * schedule for 24 hours of a simulated clock, with the default configuration (no LLM, the
 * default caps and visit budget), real Postgres, real Chromium logged in to the sandbox.
 * Page loads are counted per job by the visit counters (lib/jobs/visits.ts).
 *
 * "Before" is the behaviour this change replaced, run by the same code: reconcile and replies
 * invoked as manual runs, which skip the new gates exactly as every run did before (reconcile
 * read X on every run; replies read mentions on every run, at any hour). The visit cap is
 * lifted for that run so the raw count shows. "After" is the cron runs with the defaults.
 */
import { Cron } from "croner";
import { createSandbox, type Sandbox } from "../lib/dev/sandbox/index.js";
import { loadConfig } from "../lib/config.js";
import { openBrowser, sparticuzProvider } from "../lib/browser/index.js";
import { JOBS } from "../lib/jobs/index.js";
import { visitCounts } from "../lib/jobs/visits.js";
import { createRuntime } from "../lib/runtime/root.js";
import { runJob } from "../lib/runtime/runner.js";
import type { BenchServices } from "./lib/services.js";
import { table } from "./lib/measure.js";

const DAY_MS = 86_400_000;
/** The simulated day (a fixed UTC date, so active hours fall the same way on every run). */
const DAY_START = Date.UTC(2031, 4, 6, 0, 0, 0);

/** Every (time, job) of the day, in order. */
function ticks(): { at: number; job: string }[] {
  const out: { at: number; job: string }[] = [];
  for (const job of JOBS) {
    const cron = new Cron(job.schedule, { timezone: "UTC", paused: true });
    for (let t = cron.nextRun(new Date(DAY_START - 1)); t && t.getTime() < DAY_START + DAY_MS; t = cron.nextRun(t)) out.push({ at: t.getTime(), job: job.name });
  }
  return out.sort((a, b) => a.at - b.at || a.job.localeCompare(b.job));
}

async function simulateDay(
  services: BenchServices,
  sandbox: Sandbox,
  legacy: boolean,
): Promise<{ byJob: Record<string, number>; total: number; launches: Record<string, number>; skipped: number; failed: number }> {
  const { url } = await services.postgresDatabase();
  const config = loadConfig({
    DATABASE_URL: url,
    XBOT_NEON_HTTP_URL: services.neon.sqlUrl,
    XBOT_STATE: "postgres",
    XBOT_PREFIX: legacy ? "benchvb" : "benchva",
    XBOT_X_BASE_URL: sandbox.url,
    XBOT_X_USER: sandbox.user,
    XBOT_TYPING: "fill",
    XBOT_LOG_LEVEL: "error",
    ...(legacy ? { XBOT_X_VISITS_PER_DAY: "10000" } : {}),
  });
  let now = DAY_START;
  let job = "";
  const launches: Record<string, number> = {};
  const deps = await createRuntime({
    config,
    jobs: JOBS,
    logSink: () => {},
    clock: { now: () => now },
    openBrowser: ({ log }) => {
      launches[job] = (launches[job] ?? 0) + 1;
      return openBrowser({ provider: sparticuzProvider(), storageState: sandbox.storageState(), logger: log });
    },
  });
  let skipped = 0;
  let failed = 0;
  for (const tick of ticks()) {
    now = tick.at;
    job = tick.job;
    const manual = legacy && (tick.job === "reconcile" || tick.job === "replies");
    const result = await runJob(deps, { job: tick.job, trigger: manual ? "manual" : "cron" });
    if (result.status === "skipped" && result.reason === "visits budget") skipped++;
    if (result.status === "failed") failed++;
  }
  const counts = await visitCounts(
    deps.clients.state,
    JOBS.map((j) => j.name),
    config.XBOT_X_VISITS_PER_DAY,
    DAY_START,
  );
  return { byJob: counts.byJob, total: counts.total, launches, skipped, failed };
}

/** Runs the benchmark and returns its markdown section. */
export async function benchVisitsDay(services: BenchServices): Promise<string> {
  const sandbox = await createSandbox();
  try {
    sandbox.seed({ mentions: [{ author: "curious_dev", text: `@${sandbox.user} how do you keep cron jobs from overlapping?` }] });
    const before = await simulateDay(services, sandbox, true);
    sandbox.reset();
    sandbox.seed({ mentions: [{ author: "curious_dev", text: `@${sandbox.user} how do you keep cron jobs from overlapping?` }] });
    const after = await simulateDay(services, sandbox, false);
    const jobs = JOBS.map((j) => j.name).filter((j) => before.byJob[j] || after.byJob[j] || before.launches[j] || after.launches[j]);
    const ratio = before.total > 0 ? (after.total / before.total).toFixed(2) : "-";
    return [
      "## Logged-in visits to X in a simulated day",
      "",
      "Method: bench/visits-day.ts. Every job on its cron schedule for 24 h of a simulated clock on the sandbox (default configuration: no LLM, default caps, the default XBOT_X_VISITS_PER_DAY), real Postgres and Chromium. A visit is a page load of the logged-in browser, counted per job by the state-store counters. Before: reconcile and replies as manual runs, which bypass the new gates the way every run behaved before (reconcile read X every 15 min, replies every 20 min at any hour), with the cap lifted. After: cron runs with the defaults. Browser launches are counted by the opener.",
      "",
      table(
        ["job", "page loads before", "page loads after", "browser launches before", "browser launches after"],
        jobs.map((j) => [j, before.byJob[j] ?? 0, after.byJob[j] ?? 0, before.launches[j] ?? 0, after.launches[j] ?? 0]),
      ),
      "",
      table(
        ["total", "before", "after"],
        [
          ["page loads", before.total, after.total],
          ["after / before", "", ratio],
          ["runs skipped for the visits budget", before.skipped, after.skipped],
          ["failed runs", before.failed, after.failed],
        ],
      ),
    ].join("\n");
  } finally {
    await sandbox.close();
  }
}
