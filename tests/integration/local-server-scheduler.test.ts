/** The local cron: fires each job on its schedule, never overlaps a job with itself, stops and drains. */
import { describe, expect, it } from "vitest";
import { startScheduler } from "../../lib/dev/scheduler.js";
import { createLogger } from "../../lib/log.js";
import { defineJob } from "../../lib/jobs/job.js";
import type { RunResult } from "../../lib/runtime/runner.js";

const job = (name: string, schedule: string) => defineJob({ name, schedule, maxDurationMs: 10_000, needs: [], run: async () => ({}) });

describe("local scheduler", () => {
  it("fires every second-level schedule, skips overlapping firings, stops and drains", { timeout: 20_000 }, async () => {
    const lines: string[] = [];
    const log = createLogger({ level: "debug", sink: (line) => lines.push(line) });
    const calls = { fast: 0, slow: 0, never: 0 };
    let releaseSlow: () => void = () => {};
    const scheduler = startScheduler({
      jobs: [job("fast", "* * * * * *"), job("slow", "* * * * * *"), job("never", "0 0 1 1 *")],
      log,
      run: async (name) => {
        calls[name as keyof typeof calls] += 1;
        if (name === "slow") await new Promise<void>((resolve) => (releaseSlow = resolve));
        return { job: name, runId: `${name}_1`, status: "ok", mode: "live", durationMs: 1 } satisfies RunResult;
      },
    });
    const next = Object.fromEntries(scheduler.entries().map((e) => [e.job, e.next]));
    expect(next.never?.getUTCMonth()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 3_300));
    expect(calls.fast).toBeGreaterThanOrEqual(2);
    expect(calls.slow).toBe(1);
    expect(calls.never).toBe(0);
    expect(lines.some((l) => l.includes("scheduled run skipped: the previous one is still running") && l.includes('"job":"slow"'))).toBe(true);

    scheduler.stop();
    expect(scheduler.inFlight()).toBe(1);
    expect(await scheduler.drain(200)).toBe(false);
    releaseSlow();
    expect(await scheduler.drain(2_000)).toBe(true);
    const fastAfterStop = calls.fast;
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(calls.fast).toBe(fastAfterStop);
    expect(lines.filter((l) => l.includes("scheduled run finished")).length).toBe(calls.fast + calls.slow);
  });
});
