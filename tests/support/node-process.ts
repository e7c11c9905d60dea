/** Running xbot's entry points (the CLI, `npm start`) as real node processes, with their output captured. */
import { spawn } from "node:child_process";

/** Exit code and output of a finished process. */
export interface CapturedRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** This process's environment without any xbot configuration: a child starts from zero config plus what the test gives it. */
export function envWithoutXbot(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^(XBOT_|DATABASE_URL|UPSTASH_|QSTASH_|KV_|CRON_SECRET|OPENAI_)/.test(e[0])));
}

/** Runs `node <args>` on {@link envWithoutXbot} plus `env`; rejects (after a SIGKILL) when it outlives `timeoutMs`. */
export function runNode(args: readonly string[], options: { env: Record<string, string>; cwd?: string; timeoutMs: number; label: string }): Promise<CapturedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...envWithoutXbot(), ...options.env }, cwd: options.cwd ?? process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${options.label} did not finish in ${options.timeoutMs} ms:\n${stdout}\n${stderr.slice(-3000)}`));
    }, options.timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
