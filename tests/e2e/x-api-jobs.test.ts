/**
 * The API transport through the jobs a user runs, on real Postgres and Redis with the real
 * twitter-api-v2 client against the sandbox's v2 endpoints: the fleet-wide dollar budget under
 * a storm of concurrent post runs (asserted on the sandbox's own count of POST /2/tweets), a
 * URL post priced as one, spend per operation in /api/status, and a 429 whose reset time holds
 * the x breaker open until exactly then, with an alert that says so.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { listIncidents } from "../../lib/db/incidents.js";
import { enqueue, listItems } from "../../lib/db/queue.js";
import { post } from "../../lib/jobs/post.js";
import { reconcile } from "../../lib/jobs/reconcile.js";
import { healthReport } from "../../lib/runtime/health.js";
import { statusRoute } from "../../lib/runtime/http/status-route.js";
import { runJob, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { botRuntime, NO_CAPS } from "../support/bot.js";
import { services } from "../support/env.js";
import { TEST_SECRETS } from "../support/runtime.js";
import type { StoreKind } from "../support/runtime.js";

const jobs = [post, reconcile];
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

const created = () => sandbox.apiCalls().filter((c) => c.endpoint === "POST tweets" && c.status === 201).length;
const postCalls = () => sandbox.apiCalls().filter((c) => c.endpoint === "POST tweets").length;

async function queue(deps: RuntimeDeps, texts: string[]): Promise<void> {
  for (const text of texts) await enqueue(deps.clients.sql, { accountId: deps.config.XBOT_ACCOUNT_ID, kind: "single", tweets: [text], source: "manual", dueAt: new Date(Date.now() - 60_000) });
}

async function storm(deps: RuntimeDeps, runs: number): Promise<void> {
  for (let wave = 0; wave < 3; wave++) await Promise.all(Array.from({ length: runs }, () => runJob(deps, { job: "post", trigger: "manual", skipLock: true })));
}

const rand = () => Math.random().toString(36).slice(2, 8);

describe.skipIf(!services().postgres || !services().redis).each(["redis", "postgres"] as StoreKind[])("X API budget and rate limits (%s state)", (store) => {
  it("20 concurrent post runs, 3 waves, never spend past the daily budget: 3 posts of $0.015 fit in $0.05, the 4th is never sent", async () => {
    const rt = await botRuntime(store, sandbox, { transport: "api", jobs, env: { XBOT_CAPS: NO_CAPS, XBOT_X_API_DAILY_BUDGET_USD: "0.05", XBOT_BROWSER_SLOTS: "50" } });
    const deps = await rt.factory();
    await queue(
      deps,
      Array.from({ length: 8 }, (_, i) => `budget storm ${i} ${rand()}`),
    );
    await storm(deps, 20);
    expect(postCalls()).toBe(3);
    expect(created()).toBe(3);
    const status = (await (await statusRoute(async () => deps).GET(new Request("http://x.test/api/status", { headers: { authorization: `Bearer ${TEST_SECRETS.admin}` } }))).json()) as {
      xApi: { spentTodayUsd: number; dailyBudgetUsd: number; byOp: Record<string, { usd: number; calls: number }> };
    };
    expect(status.xApi.spentTodayUsd).toBeCloseTo(0.045, 6);
    expect(status.xApi.dailyBudgetUsd).toBe(0.05);
    expect(status.xApi.byOp.post).toMatchObject({ calls: 3 });
    expect(status.xApi.byOp.post!.usd).toBeCloseTo(0.045, 6);
    const items = await listItems(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, { limit: 20 });
    expect(items.filter((i) => i.status === "posted")).toHaveLength(3);
    expect(items.filter((i) => i.status === "queued")).toHaveLength(5);
    expect((await healthReport(deps)).alerts.some((a) => /^X API daily budget reached \(\$0\.05/.test(a))).toBe(true);
  }, 240_000);

  it("a post with a URL is priced as one ($0.20): it does not fit in $0.10 and is never sent, while plain posts do", async () => {
    const rt = await botRuntime(store, sandbox, { transport: "api", jobs, env: { XBOT_CAPS: NO_CAPS, XBOT_X_API_DAILY_BUDGET_USD: "0.10" } });
    const deps = await rt.factory();
    await queue(deps, [`read this https://example.com/post ${rand()}`]);
    const first = await runJob(deps, { job: "post", trigger: "manual" });
    expect(first.summary).toMatchObject({ result: "not_posted", error: { code: "budget_exhausted" } });
    expect(postCalls()).toBe(0);
    await deps.clients.sql.query("UPDATE content_items SET status = 'cancelled' WHERE status = 'queued'");
    await queue(deps, [`plain ${rand()}`]);
    expect((await runJob(deps, { job: "post", trigger: "manual" })).summary).toMatchObject({ result: "posted" });
    expect(created()).toBe(1);
  }, 120_000);

  it("a 429 with a reset time opens the x breaker until exactly that reset, and an alert says so", async () => {
    const rt = await botRuntime(store, sandbox, { transport: "api", jobs, env: { XBOT_CAPS: NO_CAPS } });
    const deps = await rt.factory();
    await queue(deps, [`rate limited ${rand()}`]);
    sandbox.setFault({ kind: "rate_limit_429", count: 1, ms: 17 * 60_000 });
    const before = Date.now();
    expect(await runJob(deps, { job: "post", trigger: "cron" })).toMatchObject({ status: "failed", errorCode: "x_rate_limited" });
    const breaker = await deps.clients.state.readBreaker("x");
    expect(breaker.state).toBe("open");
    if (breaker.state !== "open") return;
    const reset = Math.ceil((before + 17 * 60_000) / 1000) * 1000;
    expect(Math.abs(breaker.retryAtMs - reset)).toBeLessThan(3_000);
    const alerts = (await healthReport(deps)).alerts;
    expect(alerts).toContain(`breaker x is open until ${new Date(breaker.retryAtMs).toISOString()} (1 failures)`);
    expect(alerts.some((a) => a.startsWith("X rate limit (429)"))).toBe(true);
    // The run's incident review opened one incident that names the reset as the next try.
    const incidents = (await listIncidents(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, new Date())).filter((i) => i.kind === "breaker_open" && i.resolvedAt === null);
    expect(incidents.map((i) => [i.subject, i.message])).toEqual([["x", `breaker x is open after 1 failure(s); next try at ${new Date(breaker.retryAtMs).toISOString()}`]]);
    expect(await runJob(deps, { job: "post", trigger: "cron" })).toMatchObject({ status: "skipped", reason: "breaker_open:x" });
    expect(created()).toBe(0);
  }, 120_000);
});
