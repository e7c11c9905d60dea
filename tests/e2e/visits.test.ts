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
import { statusRoute } from "../../lib/runtime/http/status-route.js";
import { runJob } from "../../lib/runtime/runner.js";
import { visitsCounter, visitsTotalCounter } from "../../lib/state/keys.js";
import { botRuntime, NO_CAPS, sandboxOpener, TestClock } from "../support/bot.js";
import { services } from "../support/env.js";
import { TEST_SECRETS } from "../support/runtime.js";

let sandbox: Sandbox;
beforeAll(async () => { sandbox = await createSandbox(); });
afterAll(async () => { await sandbox.close(); });

describe.skipIf(!services().postgres)("the visit budget on the sandbox", () => {
  it("counts page loads per job and in total, shows them in /api/status, and skips X work at the cap", async () => {
    sandbox.reset();
    const clock = new TestClock();
    const opener = sandboxOpener(sandbox);
    const rt = await botRuntime("postgres", sandbox, { jobs: [post, reconcile], clock, opener, env: { XBOT_CAPS: NO_CAPS, XBOT_X_VISITS_PER_DAY: "3" } });
    const deps = await rt.factory();
    await enqueue(deps.clients.sql, { accountId: "default", kind: "single", tweets: ["Counting visits: one page load per post, or close to it."], source: "manual", dueAt: new Date(clock.now() - 1000) });
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
});
