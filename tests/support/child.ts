/** Spawns tests/support/run-job-child.ts as a separate process (a separate "invocation"). */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunResult } from "../../lib/runtime/runner.js";

const SCRIPT = fileURLToPath(new URL("./run-job-child.ts", import.meta.url));

/** A running child and its result. */
export interface ChildRun {
  readonly process: ChildProcess;
  /** Resolves once the runtime is built and the job is about to run. */
  readonly ready: Promise<void>;
  readonly result: Promise<RunResult | null>;
}

/** Starts one child invocation of a test job. */
export function runChild(
  env: Record<string, string>,
  job: string,
  params: Record<string, unknown> = {},
  clockOffsetMs = 0,
  barrier = "",
  storageState = "",
  killAt = "",
  holdAt = "",
  processEnv: Record<string, string> = {},
): ChildRun {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, job, JSON.stringify(params)], {
    env: {
      ...process.env,
      ...processEnv,
      XBOT_CHILD_ENV: JSON.stringify(env),
      XBOT_CHILD_CLOCK_OFFSET_MS: String(clockOffsetMs),
      XBOT_CHILD_BARRIER: barrier,
      XBOT_CHILD_STORAGE_STATE: storageState,
      XBOT_CHILD_KILL_AT: killAt,
      XBOT_CHILD_HOLD_AT: holdAt,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.includes("READY\n")) markReady();
  });
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const result = new Promise<RunResult | null>((resolve, reject) => {
    child.on("exit", (code, signal) => {
      markReady();
      if (signal) return resolve(null);
      const line = out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .pop();
      if (code !== 0 || !line) return reject(new Error(`child ${job} exited ${code}: ${err.slice(-2000)}`));
      resolve(JSON.parse(line) as RunResult);
    });
  });
  return { process: child, ready, result };
}

/** Starts `n` children that wait at a barrier, releases them together, and returns their results. */
export async function runWave(n: number, start: (i: number, barrier: string) => ChildRun): Promise<(RunResult | null)[]> {
  const barrier = join(mkdtempSync(join(tmpdir(), "xbot-wave-")), "go");
  const children = Array.from({ length: n }, (_, i) => start(i, barrier));
  await Promise.all(children.map((c) => c.ready));
  writeFileSync(barrier, "go");
  return Promise.all(children.map((c) => c.result));
}
