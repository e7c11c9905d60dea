/**
 * The visit budget on the sandbox: every logged-in page load is counted per job and in total
 * for the UTC day (shown by /api/status), and at XBOT_X_VISITS_PER_DAY further X work is a
 * skipped run ("visits budget") that launches no browser.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { enqueue } from "../../lib/db/queue.js";
import { post } from "../../lib/jobs/post.js";
import { reconcile } from "../../lib/jobs/reconcile.js";
import { repliesJob } from "../../lib/jobs/replies.js";
import { statusRoute } from "../../lib/runtime/http/status-route.js";
import { runJob } from "../../lib/runtime/runner.js";
import { visitsCounter, visitsTotalCounter } from "../../lib/state/keys.js";
import { botRuntime, NO_CAPS, sandboxOpener, TestClock } from "../support/bot.js";
import { services } from "../support/env.js";
import { TEST_SECRETS } from "../support/runtime.js";
import { countedBrowser } from "../../lib/jobs/visits.js";
import { silentLogger } from "../../lib/log.js";
import type { XbotError } from "../../lib/errors.js";
import type { JobContext } from "../../lib/jobs/context.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe.skipIf(!services().postgres)("the visit budget on the sandbox", () => {
  it("counts page loads per job and in total, shows them in /api/status, and skips X work at the cap", async () => {
    sandbox.reset();
    const clock = new TestClock();
    const opener = sandboxOpener(sandbox);
    const rt = await botRuntime("postgres", sandbox, { jobs: [post, reconcile], clock, opener, env: { XBOT_CAPS: NO_CAPS, XBOT_X_VISITS_PER_DAY: "3" } });
    const deps = await rt.factory();
    await enqueue(deps.clients.sql, {
      accountId: "default",
      kind: "single",
      tweets: ["Counting visits: one page load per post, or close to it."],
      source: "manual",
      dueAt: new Date(clock.now() - 1000),
    });
    expect((await runJob(deps, { job: "post", trigger: "cron" })).summary).toMatchObject({ posted: 1 });
    const state = deps.clients.state;
    const postLoads = await state.readCounter(visitsCounter(clock.now(), "post"));
    expect(postLoads).toBeGreaterThanOrEqual(1);
    expect(await state.readCounter(visitsTotalCounter(clock.now()))).toBe(postLoads);

    const res = await statusRoute(rt.factory).GET(new Request("http://x.test/api/status", { headers: { authorization: `Bearer ${TEST_SECRETS.admin}` } }));
    const body = (await res.json()) as { safety: { visits: { byJob: Record<string, number>; total: number; cap: number } } };
    expect(body.safety.visits).toEqual({ byJob: { post: postLoads }, total: postLoads, cap: 3 });

    // Spend the rest of the day's budget; the next X work is skipped without a browser.
    await state.incrementCounter(visitsTotalCounter(clock.now()), 3 - postLoads, 48 * 3_600_000);
    const opened = opener.opened;
    const skipped = await runJob(deps, { job: "reconcile", trigger: "cron" });
    expect(skipped).toMatchObject({ status: "skipped", reason: "visits budget", summary: { skipped: "visits budget", used: 3, cap: 3 } });
    expect(opener.opened).toBe(opened);
    // A new UTC day starts a new budget.
    clock.advance(24 * 3_600_000);
    expect((await runJob(deps, { job: "reconcile", trigger: "cron" })).status).toBe("ok");
  }, 180_000);

  it.each(["redis", "postgres"] as const)(
    "on %s, concurrent pages cannot pass the cap together: each reserves its visit atomically",
    async (store) => {
      const clock = new TestClock();
      const rt = await botRuntime(store, sandbox, { jobs: [post], clock, env: { XBOT_X_VISITS_PER_DAY: "4" } });
      const deps = await rt.factory();
      const ctx = { state: deps.clients.state, clock, config: deps.config, job: "metrics", log: silentLogger } as unknown as JobContext;
      const browser = await sandboxOpener(sandbox)({ log: silentLogger, signal: new AbortController().signal });
      try {
        const counted = countedBrowser(ctx, browser);
        const pages = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            counted.withPage(`visit-${i}`, async (page) => {
              await page.goto(`${sandbox.url}/${sandbox.user}`);
            }),
          ),
        );
        const refused = pages.filter((p) => p.status === "rejected").map((p) => (p as PromiseRejectedResult).reason as XbotError);
        expect(pages.filter((p) => p.status === "fulfilled")).toHaveLength(4);
        expect(refused.map((e) => [e.code, e.message])).toEqual(Array.from({ length: 4 }, () => ["budget_exhausted", "visits budget"]));
        expect(await deps.clients.state.readCounter(visitsTotalCounter(clock.now()))).toBe(4);
        expect(await deps.clients.state.readCounter(visitsCounter(clock.now(), "metrics"))).toBe(4);
      } finally {
        await browser.close();
      }
    },
    180_000,
  );

  it("reconcile opens X only for attempts past their lease or a due ghost scan; replies read mentions only in active hours, on a slower cadence", async () => {
    sandbox.reset();
    const clock = new TestClock();
    /** Moves the clock to the next point `offsetMs` into a period of `periodMs` (periods are epoch-aligned, see cadence.ts). */
    const alignTo = (periodMs: number, offsetMs: number) => clock.advance(periodMs - (clock.now() % periodMs) + offsetMs);
    const SCAN = 6 * 3_600_000;
    const POLL = 90 * 60_000;
    alignTo(SCAN, 60_000);
    const opener = sandboxOpener(sandbox);
    const hour = new Date(clock.now()).getUTCHours();
    const rt = await botRuntime("postgres", sandbox, { jobs: [reconcile, repliesJob()], clock, opener, env: { XBOT_REPLY_HOURS: `${(hour + 2) % 24}-${(hour + 3) % 24}` } });
    const deps = await rt.factory();
    // The first cron run scans for ghosts; the next ones, with nothing open, stay off X.
    expect((await runJob(deps, { job: "reconcile", trigger: "cron" })).summary).toMatchObject({ xVisited: true, why: "ghost scan due" });
    const afterScan = opener.opened;
    for (let i = 0; i < 3; i++) {
      clock.advance(15 * 60_000);
      expect((await runJob(deps, { job: "reconcile", trigger: "cron" })).summary).toMatchObject({ xVisited: false });
    }
    expect(opener.opened).toBe(afterScan);
    alignTo(SCAN, 60_000);
    expect((await runJob(deps, { job: "reconcile", trigger: "cron" })).summary).toMatchObject({ xVisited: true, why: "ghost scan due" });
    // Outside XBOT_REPLY_HOURS replies does nothing at all.
    const before = opener.opened;
    const outside = await runJob(deps, { job: "replies", trigger: "cron" });
    expect(outside.summary).toMatchObject({ replied: 0, skipped: "outside active hours (XBOT_REPLY_HOURS)" });
    expect(opener.opened).toBe(before);
    expect(await deps.clients.state.readCounter(visitsCounter(clock.now(), "replies"))).toBe(0);

    alignTo(POLL, POLL / 2 + 60_000); // past this period's jittered slot (in its first half)
    const inside = await (await botRuntime("postgres", sandbox, { jobs: [repliesJob()], clock, opener, env: { ...rt.env, XBOT_REPLY_HOURS: "0-0" } })).factory();
    expect(Number((await runJob(inside, { job: "replies", trigger: "cron" })).summary?.discovered)).toBeGreaterThan(0);
    const polled = opener.opened;
    clock.advance(20 * 60_000);
    expect((await runJob(inside, { job: "replies", trigger: "cron" })).summary).toMatchObject({ discovered: "poll not due" });
    expect(opener.opened).toBe(polled);
    alignTo(POLL, POLL / 2 + 60_000); // the next period, past its slot
    expect(Number((await runJob(inside, { job: "replies", trigger: "cron" })).summary?.discovered)).toBeGreaterThanOrEqual(0);
    expect(opener.opened).toBe(polled + 1);
  }, 240_000);
});
