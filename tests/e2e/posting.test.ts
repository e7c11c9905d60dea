/**
 * Exactly-once posting against the sandbox X site with real Chromium, real Postgres and
 * real state: the claim protocol under concurrency, the lock and gap through HTTP, a crash
 * after the click resolved by reconcile, caps on a simulated clock, shadow and preview.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { enqueue, queueCounts } from "../../lib/db/queue.js";
import { runJob, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { jobRoute } from "../../lib/runtime/http/job-route.js";
import { post } from "../../lib/jobs/post.js";
import { reconcile } from "../../lib/jobs/reconcile.js";
import { heal } from "../../lib/jobs/heal.js";
import { healthReport } from "../../lib/runtime/health.js";
import { services } from "../support/env.js";
import { botRuntime, NO_CAPS, sandboxOpener, TestClock, TRANSPORTS } from "../support/bot.js";
import { runChild } from "../support/child.js";
import { TEST_SECRETS } from "../support/runtime.js";

const jobs = [post, reconcile, heal];
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

const ours = () => sandbox.posts().filter((p) => p.author === sandbox.user && !p.deleted && p.createdAtMs > startedAt);
let startedAt = 0;
/** Posts the sandbox created through POST /2/tweets (0 on the browser transport). */
const createdViaApi = () => sandbox.apiCalls().filter((c) => c.endpoint === "POST tweets" && c.status === 201).length;
beforeEach(() => {
  startedAt = Date.now() - 1;
});

async function queueItems(deps: RuntimeDeps, n: number, label: string, dueAt = new Date(Date.now() - 60_000)): Promise<void> {
  for (let i = 0; i < n; i++)
    await enqueue(deps.clients.sql, { accountId: deps.config.XBOT_ACCOUNT_ID, kind: "single", tweets: [`${label} number ${i} ${Math.random().toString(36).slice(2, 8)}`], source: "manual", dueAt });
}

describe.skipIf(!services().postgres).each(TRANSPORTS)("exactly-once posting on the sandbox (%s transport)", (transport) => {
  it("waves of 20 concurrent post runs (caps lifted, lock bypassed) post 5 due items exactly once each", async () => {
    const rt = await botRuntime("postgres", sandbox, { transport, jobs, env: { XBOT_CAPS: NO_CAPS, XBOT_BROWSER_SLOTS: "4" } });
    const deps = await rt.factory();
    await queueItems(deps, 5, "wave item");
    for (let wave = 0; wave < 12; wave++) {
      const counts = await queueCounts(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID);
      if (counts.queued === 0 && counts.posting === 0) break;
      await Promise.all(Array.from({ length: 20 }, () => runJob(deps, { job: "post", trigger: "manual", skipLock: true })));
    }
    const onX = ours();
    expect(onX).toHaveLength(5);
    expect(new Set(onX.map((p) => p.text)).size).toBe(5);
    const rows = await deps.clients.sql.query<{ tweet_id: string }>("SELECT tweet_id FROM posts");
    expect(rows.map((r) => r.tweet_id).sort()).toEqual(onX.map((p) => p.id).sort());
    expect(await queueCounts(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID)).toMatchObject({ posted: 5, queued: 0, posting: 0 });
    expect(createdViaApi()).toBe(transport === "api" ? 5 : 0);
  }, 240_000);

  it("with the defaults, 20 concurrent cron deliveries through HTTP give at most one post, twice in a row", async () => {
    const rt = await botRuntime("redis", sandbox, { transport, jobs });
    const deps = await rt.factory();
    await queueItems(deps, 3, "http wave");
    const { GET } = jobRoute("post", rt.factory);
    const cron = () => GET(new Request("http://xbot.test/api/jobs/post", { headers: { authorization: `Bearer ${TEST_SECRETS.cron}` } }));
    for (let wave = 0; wave < 2; wave++) {
      const statuses = (await Promise.all(Array.from({ length: 20 }, cron))).map((r) => r.status);
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(ours().length).toBeLessThanOrEqual(1);
    }
    expect(ours()).toHaveLength(1);
  }, 180_000);

  it.each(["reconcile", "heal"])(
    "a click that posts but never answers, then a killed invocation: %s records exactly one post with the right id",
    async (resolver) => {
      const rt = await botRuntime("postgres", sandbox, { transport, jobs });
      const deps = await rt.factory();
      await queueItems(deps, 1, "crash after click");
      sandbox.setFault({ kind: "post_without_response" });
      const child = runChild(rt.env, "post", {}, 0, "", JSON.stringify(sandbox.storageState()));
      await waitFor(() => ours().length === 1, 60_000);
      child.process.kill("SIGKILL");
      expect(await child.result).toBeNull();
      sandbox.setFault(null);
      const [attempt] = await deps.clients.sql.query<{ status: string }>("SELECT status FROM post_attempts");
      expect(attempt?.status).toBe("open");
      const retried = await runJob(deps, { job: "post", trigger: "manual" });
      expect(retried.reason === "locked" || retried.summary?.posted === 0).toBe(true);
      const clock = new TestClock();
      clock.advance(7 * 60_000);
      const later = await botRuntime("postgres", sandbox, { transport, jobs, clock, env: { ...rt.env } });
      const result = await runJob(await later.factory(), { job: resolver, trigger: "manual" });
      const summary = resolver === "heal" ? result.summary?.reconciled : result.summary;
      expect(summary).toMatchObject({ resolved: 1, requeued: 0 });
      const [row] = await deps.clients.sql.query<{ tweet_id: string; origin: string }>("SELECT tweet_id, origin FROM posts");
      expect(ours()).toHaveLength(1);
      expect(row).toEqual({ tweet_id: ours()[0]!.id, origin: "reconciled" });
      expect(createdViaApi()).toBe(0);
      expect(await queueCounts(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID)).toMatchObject({ posted: 1, queued: 0, posting: 0 });
    },
    180_000,
  );

  it("caps hold: 10 due items and 2 per hour give exactly 2 posts in a simulated hour", async () => {
    const clock = new TestClock();
    const rt = await botRuntime("postgres", sandbox, { transport, jobs, clock });
    const deps = await rt.factory();
    await queueItems(deps, 10, "capped");
    const capped: string[] = [];
    for (let minute = 0; minute < 60; minute += 5) {
      sandbox.setNow(clock.now());
      const result = await runJob(deps, { job: "post", trigger: "cron" });
      if (typeof result.summary?.capped === "string") capped.push(result.summary.capped);
      clock.advance(5 * 60_000);
    }
    expect(ours()).toHaveLength(2);
    expect(capped).toContain("cap:posts_per_hour");
    expect(capped).toContain("cap:min_gap");
  }, 180_000);

  it("shadow mode never touches X, and a preview deployment never posts to the real X", async () => {
    const opener = sandboxOpener(sandbox);
    const shadow = await botRuntime("postgres", sandbox, { transport, jobs, opener, env: { XBOT_MODE: "shadow" } });
    const deps = await shadow.factory();
    await queueItems(deps, 1, "shadowed");
    expect((await runJob(deps, { job: "post", trigger: "cron" })).summary).toMatchObject({ mode: "shadow", wouldPost: { kind: "single" } });
    const preview = await botRuntime("postgres", sandbox, { transport, jobs, opener, env: { VERCEL_ENV: "preview", XBOT_X_BASE_URL: "https://x.com" } });
    const previewDeps = await preview.factory();
    await queueItems(previewDeps, 1, "previewed");
    const result = await runJob(previewDeps, { job: "post", trigger: "manual", mode: "live" });
    expect(result).toMatchObject({ status: "ok", mode: "shadow" });
    expect(opener.opened).toBe(0);
    expect(sandbox.apiCalls()).toHaveLength(0);
    expect(ours()).toHaveLength(0);
    expect(await queueCounts(previewDeps.clients.sql, previewDeps.config.XBOT_ACCOUNT_ID)).toMatchObject({ queued: 1, posted: 0 });
  }, 120_000);

  it("error 226 fails the attempt before any post, requeues the item and opens the x breaker for 30 minutes", async () => {
    const rt = await botRuntime("postgres", sandbox, { transport, jobs });
    const deps = await rt.factory();
    await queueItems(deps, 1, "automated");
    sandbox.setFault({ kind: "automated_226" });
    const result = await runJob(deps, { job: "post", trigger: "cron" });
    expect(result).toMatchObject({ status: "failed", errorCode: "x_automated" });
    const breaker = await deps.clients.state.readBreaker("x");
    expect(breaker).toMatchObject({ state: "open", opens: 1 });
    if (breaker.state === "open") expect(breaker.retryAtMs - breaker.openedAtMs).toBe(30 * 60_000);
    expect(await runJob(deps, { job: "post", trigger: "cron" })).toMatchObject({ status: "skipped", reason: "breaker_open:x" });
    expect(await queueCounts(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID)).toMatchObject({ queued: 1, posting: 0 });
    expect(ours()).toHaveLength(0);
  }, 120_000);
});

describe.skipIf(!services().postgres).each(TRANSPORTS)("an expired session (%s transport)", (transport) => {
  it("a login wall opens the x breaker at once and health says to import a new session", async () => {
    sandbox.reset();
    const rt = await botRuntime("postgres", sandbox, { transport, jobs });
    const deps = await rt.factory();
    await queueItems(deps, 1, "logged out");
    sandbox.setFault({ kind: "login_wall" });
    expect(await runJob(deps, { job: "post", trigger: "cron" })).toMatchObject({ status: "failed", errorCode: "session_expired" });
    expect(await deps.clients.state.readBreaker("x")).toMatchObject({ state: "open" });
    const health = await healthReport(deps);
    expect(health.status).toBe("degraded");
    expect(health.alerts).toContain("session expired: import a new one (npx xbot session import <storageState.json>)");
    expect(await queueCounts(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID)).toMatchObject({ queued: 1, posting: 0 });
  }, 120_000);
});

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not reached");
    await sleep(100);
  }
}
