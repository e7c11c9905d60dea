/**
 * A separate invocation, as its own process: builds a runtime from XBOT_CHILD_ENV (JSON),
 * runs one test job and prints the RunResult as JSON. XBOT_CHILD_CLOCK_OFFSET_MS shifts
 * its clock (to reach a breaker's half-open window without waiting); XBOT_CHILD_BARRIER
 * names a file the child waits for before running, so a wave of children starts together;
 * XBOT_CHILD_STORAGE_STATE logs its browser in (the sandbox session); XBOT_CHILD_KILL_AT names a
 * fault checkpoint (e.g. "post:after_click") at which the child SIGKILLs itself;
 * XBOT_CHILD_HOLD_AT names one at which the run waits forever (a run still alive mid-post).
 */
import { existsSync } from "node:fs";
import { createRuntime } from "../../lib/runtime/root.js";
import { runJob } from "../../lib/runtime/runner.js";
import { allTestJobs } from "./test-jobs.js";
import { JOBS } from "../../lib/jobs/index.js";
import { browserOpenerFrom } from "../../lib/runtime/browser-need.js";
import { openBrowser, parseStorageState, sparticuzProvider } from "../../lib/browser/index.js";

const env = JSON.parse(process.env.XBOT_CHILD_ENV ?? "{}") as Record<string, string>;
const offset = Number(process.env.XBOT_CHILD_CLOCK_OFFSET_MS ?? "0");
const [job, paramsJson] = process.argv.slice(2);
const storageState = process.env.XBOT_CHILD_STORAGE_STATE ? parseStorageState(process.env.XBOT_CHILD_STORAGE_STATE) : undefined;
const killAt = process.env.XBOT_CHILD_KILL_AT;
const holdAt = process.env.XBOT_CHILD_HOLD_AT;
const faults = (point: string): Promise<void> | void => {
  if (point === killAt) process.kill(process.pid, "SIGKILL");
  if (point === holdAt) return new Promise<void>(() => setInterval(() => {}, 60_000));
};
const deps = await createRuntime({
  env,
  jobs: [...allTestJobs(), ...JOBS],
  browser: browserOpenerFrom,
  clock: { now: () => Date.now() + offset },
  logSink: () => {},
  ...(killAt || holdAt ? { faults } : {}),
  ...(storageState ? { openBrowser: ({ log }) => openBrowser({ provider: sparticuzProvider(), storageState, logger: log }) } : {}),
});
process.stdout.write("READY\n");
const barrier = process.env.XBOT_CHILD_BARRIER;
while (barrier && !existsSync(barrier)) await new Promise((r) => setTimeout(r, 10));
const result = await runJob(deps, { job: job!, trigger: "cron", params: paramsJson ? (JSON.parse(paramsJson) as Record<string, unknown>) : {} });
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
