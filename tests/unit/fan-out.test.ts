/** The fan-out's pure parts: the tick's slot, the once-only ids, flow control per job, the in-function loop's order and budget. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config.js";
import { JOB_SPECS } from "../../lib/jobs/specs.js";
import { fanOutId, fanOutMessages, flowControlFor, tickSlot } from "../../lib/runtime/fan-out-plan.js";
import { runInTurn, servingOrder } from "../../lib/runtime/fan-out-turns.js";
import { turnDeadline } from "../../lib/runtime/fan-out.js";
import type { RunResult } from "../../lib/runtime/runner.js";

const config = loadConfig({ XBOT_PREFIX: "acme", XBOT_BROWSER_SLOTS: "3" });
const at = (iso: string) => Date.parse(iso);

describe("fan-out plan", () => {
  it("every duplicate of one firing lands in the schedule's slot; the next firing is a new slot", () => {
    const slot = (iso: string) => tickSlot("*/5 * * * *", at(iso)).toISOString();
    expect(slot("2026-12-02T12:05:00.000Z")).toBe("2026-12-02T12:05:00.000Z");
    expect(slot("2026-12-02T12:05:41.250Z")).toBe("2026-12-02T12:05:00.000Z");
    expect(slot("2026-12-02T12:09:59.999Z")).toBe("2026-12-02T12:05:00.000Z");
    expect(slot("2026-12-02T12:10:00.000Z")).toBe("2026-12-02T12:10:00.000Z");
    expect(tickSlot("15 * * * *", at("2026-12-02T13:02:00Z")).toISOString()).toBe("2026-12-02T12:15:00.000Z");
  });

  it("the once-only id names prefix, job, account and slot", () => {
    expect(fanOutId(config, "post", "a-1", new Date("2026-12-02T12:05:00Z"))).toBe("acme.post.a-1.20261202T1205Z");
  });

  it("X jobs share one key per account (parallelism 1); heal shares the browser key sized to the slots; plan and learn have none", () => {
    for (const job of ["post", "replies", "reconcile", "metrics", "followers"] as const) expect(flowControlFor(JOB_SPECS[job], "a", config)).toEqual({ key: "acme-x-a", parallelism: 1 });
    expect(flowControlFor(JOB_SPECS.heal, "a", config)).toEqual({ key: "acme-browser", parallelism: 3 });
    expect(flowControlFor(JOB_SPECS.plan, "a", config)).toBeUndefined();
    expect(flowControlFor(JOB_SPECS.learn, "a", config)).toBeUndefined();
  });

  it("one message per account, the account in the body, retries bounded", () => {
    const slot = new Date("2026-12-02T12:05:00Z");
    const messages = fanOutMessages({ job: JOB_SPECS.post, accounts: ["a", "b"], slot, url: "https://x.example/api/jobs/post", config });
    expect(messages).toEqual([
      { url: "https://x.example/api/jobs/post", body: { account: "a" }, deduplicationId: "acme.post.a.20261202T1205Z", flowControl: { key: "acme-x-a", parallelism: 1 }, retries: 2 },
      { url: "https://x.example/api/jobs/post", body: { account: "b" }, deduplicationId: "acme.post.b.20261202T1205Z", flowControl: { key: "acme-x-b", parallelism: 1 }, retries: 2 },
    ]);
  });
});

const result = (job: string, ms: number): RunResult => ({ job, runId: `r${ms}`, status: "ok", mode: "live", durationMs: ms });

describe("in-function fan-out", () => {
  it("serves the never-served first, then the longest unserved, ties by id", () => {
    const d = (iso: string) => new Date(iso);
    expect(
      servingOrder([
        { id: "c", lastServedAt: d("2026-12-02T12:00:00Z") },
        { id: "b", lastServedAt: null },
        { id: "a", lastServedAt: d("2026-12-02T11:00:00Z") },
        { id: "d", lastServedAt: d("2026-12-02T11:00:00Z") },
      ]),
    ).toEqual(["b", "a", "d", "c"]);
  });

  it("stops when the time left cannot hold the longest run so far, caps every run at the budget, and records the rest", async () => {
    let now = 0;
    const durations: Record<string, number> = { a: 10, b: 40, c: 5, d: 5 };
    const caps: number[] = [];
    const skipped: string[] = [];
    const outcome = await runInTurn({
      accounts: ["a", "b", "c", "d"].map((id) => ({ id, lastServedAt: null })),
      runOne: async (account, deadlineAt) => {
        caps.push(deadlineAt);
        now += durations[account]!;
        return result(account, durations[account]!);
      },
      skip: async (account) => void skipped.push(account),
      now: () => now,
      deadlineAt: 80,
    });
    // a (0-10), b (10-50); at 50 the longest run is 40: 50 + 40 > 80, so c and d are not started.
    expect(outcome.ran.map((r) => r.account)).toEqual(["a", "b"]);
    expect(outcome.unreached).toEqual(["c", "d"]);
    expect(skipped).toEqual(["c", "d"]);
    expect(caps).toEqual([80, 80]);
  });

  it("an account whose run throws does not stop the others", async () => {
    const outcome = await runInTurn({
      accounts: [
        { id: "gone", lastServedAt: null },
        { id: "b", lastServedAt: new Date(0) },
      ],
      runOne: async (account) => {
        if (account === "gone") throw new Error('unknown account "gone"');
        return result(account, 1);
      },
      skip: async () => undefined,
      now: () => 0,
      deadlineAt: 10,
    });
    expect(outcome.ran).toEqual([
      { account: "gone", error: 'unknown account "gone"' },
      { account: "b", result: result("b", 1) },
    ]);
    expect(outcome.unreached).toEqual([]);
  });

  it("the budget leaves the run's margin and a review reserve before maxDuration", () => {
    expect(turnDeadline({ maxDurationMs: 240_000 }, 0)).toBe(240_000 - 15_000 - 15_000);
    expect(turnDeadline({ maxDurationMs: 30_000 }, 1_000)).toBe(1_000 + 30_000 - 3_000 - 3_000);
  });
});
