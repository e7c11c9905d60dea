/**
 * Chromium crashes mid-job: the test SIGKILLs the run's browser while the job is inside
 * withPage. Each time: the run fails `browser_crashed`, the browser lease is released at
 * once, the `browser` breaker counts one failure, and nothing of that browser is left
 * (no pid, no process on its profile dir, no zombie child of this process). Three crashes
 * in a row open the breaker (threshold 3); the 4th run is skipped `breaker_open:browser`
 * without launching a browser.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { openBrowser, sparticuzProvider, type BrowserProcessInfo } from "../../lib/browser/index.js";
import { BREAKER_POLICIES } from "../../lib/resilience/policies.js";
import type { BrowserOpener } from "../../lib/jobs/context.js";
import { defineJob } from "../../lib/jobs/job.js";
import { runJob } from "../../lib/runtime/runner.js";
import { availableStores, testRuntime } from "../support/runtime.js";

const store = availableStores()[0];

/** The browser of the current run, reported from inside withPage once the page is up. */
let inPage: ((info: BrowserProcessInfo) => void) | null = null;
const launched: BrowserProcessInfo[] = [];

const crashJob = defineJob({
  name: "browse",
  schedule: "*/5 * * * *",
  maxDurationMs: 60_000,
  needs: ["db", "state", "browser"],
  async run(ctx) {
    await ctx.db.query("SELECT 1");
    const browser = await ctx.browser();
    const info = browser.process();
    if (!info?.pid) throw new Error("test: the browser has no local process");
    await browser.withPage(
      "crash-wait",
      async (page) => {
        await page.setContent("<title>waiting</title><p>waiting for the crash</p>");
        inPage?.(info);
        // Mid-operation: a Playwright call in flight when the browser dies.
        await page.waitForFunction(() => false, undefined, { timeout: 40_000, polling: 100 });
      },
      { timeoutMs: 45_000 },
    );
    return { survived: true };
  },
});

/** Pids whose command line mentions `needle` (the run's unique profile dir). */
function pidsMatching(needle: string): number[] {
  try {
    return execFileSync("pgrep", ["-f", needle], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** "R", "S", "Z", ... of a pid, or null when it does not exist. */
function procState(pid: number): string | null {
  try {
    return /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Zombie processes whose parent is this process. */
function zombieChildren(): number[] {
  const zombies: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      if (/^PPid:\s+(\d+)$/m.exec(status)?.[1] === String(process.pid) && /^State:\s+Z/m.test(status)) zombies.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return zombies;
}

afterAll(() => {
  // Belt and braces: whatever happened, leave no Chromium of this file behind.
  for (const info of launched) {
    for (const pid of [info.pid, ...(info.userDataDir ? pidsMatching(info.userDataDir) : [])]) {
      if (!pid) continue;
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }
});

describe.skipIf(!store)("Chromium crashes mid-job", () => {
  it("each crash fails browser_crashed, releases the lease, counts one breaker failure and leaves nothing; 3 open the breaker", async () => {
    let opened = 0;
    const opener: BrowserOpener = ({ log }) => {
      opened++;
      return openBrowser({ provider: sparticuzProvider({ closeTimeoutMs: 2_000 }), logger: log });
    };
    const rt = await testRuntime(store!, { jobs: [crashJob], openBrowser: opener, env: { XBOT_BROWSER_SLOTS: "2" } });
    const deps = await rt.factory();
    const { state } = deps.clients;
    expect(BREAKER_POLICIES.browser.threshold).toBe(3);
    expect(await state.readBreaker("browser")).toMatchObject({ state: "closed", failures: 0 });

    for (let crash = 1; crash <= 3; crash++) {
      const ready = new Promise<BrowserProcessInfo>((resolve) => (inPage = resolve));
      const running = runJob(deps, { job: "browse", trigger: "cron" });
      const info = await ready;
      launched.push(info);
      const pid = info.pid!;
      const dir = info.userDataDir!;
      expect(dir).toMatch(/playwright_chromiumdev_profile-/);
      expect(pidsMatching(dir)).toContain(pid);
      expect(await state.countLeases("browser")).toBe(1); // held while the run is in flight

      process.kill(pid, "SIGKILL");
      const result = await running;
      inPage = null;

      expect(result).toMatchObject({ job: "browse", status: "failed", errorCode: "browser_crashed", retryable: true });
      expect(await state.countLeases("browser")).toBe(0);
      const breaker = await state.readBreaker("browser");
      expect(breaker.failures).toBe(crash);
      expect(breaker.state).toBe(crash < 3 ? "closed" : "open");

      // Nothing of this browser remains: not the pid, not any process on its profile, no zombie.
      expect(procState(pid)).toBeNull();
      expect(pidsMatching(dir)).toEqual([]);
      expect(zombieChildren()).toEqual([]);
      expect(existsSync(dir)).toBe(false);
      expect(opened).toBe(crash);

      const [row] = await deps.clients.sql.query<{ status: string; error_code: string }>("SELECT status, error_code FROM job_runs WHERE id = $1", [result.runId]);
      expect(row).toEqual({ status: "failed", error_code: "browser_crashed" });
    }

    // The breaker is open: the 4th run is refused at admission and launches nothing.
    const refused = await runJob(deps, { job: "browse", trigger: "cron" });
    expect(refused).toMatchObject({ status: "skipped", reason: "breaker_open:browser" });
    expect(opened).toBe(3);
    expect(await state.countLeases("browser")).toBe(0);
    expect(zombieChildren()).toEqual([]);
  }, 180_000);
});
