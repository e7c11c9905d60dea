/**
 * Reconciliation against the sandbox x.com in real Chromium, real Postgres and Redis: posts
 * whose text X rewrites (emoji, a long post behind "Show more") found after a killed
 * invocation on both read paths; a thread cut after tweet 1 finished exactly once, in order;
 * a throttled timeline that concludes nothing; a post X accepted and then lost (vanished);
 * a 187 on a retried item that means "look on X".
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Fault, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { openAttempt } from "../../lib/db/attempts.js";
import { claimDue, enqueue, listItems, queueCounts } from "../../lib/db/queue.js";
import { heal } from "../../lib/jobs/heal.js";
import { post } from "../../lib/jobs/post.js";
import { reconcile } from "../../lib/jobs/reconcile.js";
import { healthReport } from "../../lib/runtime/health.js";
import { statusRoute } from "../../lib/runtime/http/status-route.js";
import { runJob, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { botRuntime, NO_CAPS, TestClock, TRANSPORTS, type TransportName } from "../support/bot.js";
import { runChild } from "../support/child.js";
import { services } from "../support/env.js";
import { TEST_SECRETS } from "../support/runtime.js";
import type { TestRuntime } from "../support/runtime.js";

const jobs = [post, reconcile, heal];
let sandbox: Sandbox;
let startedAt = 0;
/** The transport of the describe block running (posting and reconcile go through it). */
let transport: TransportName = "browser";
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
  startedAt = Date.now() - 1;
});

const ours = () => sandbox.posts().filter((p) => p.author === sandbox.user && p.createdAtMs > startedAt);
const fault = (f: Record<string, unknown> | null) => sandbox.setFault(f as Fault | null);

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not reached");
    await sleep(100);
  }
}

async function setup(env: Record<string, string> = {}): Promise<{ rt: TestRuntime; deps: RuntimeDeps }> {
  const rt = await botRuntime("postgres", sandbox, { transport, jobs, env: { XBOT_CAPS: NO_CAPS, ...env } });
  return { rt, deps: await rt.factory() };
}

async function queue(deps: RuntimeDeps, kind: "single" | "thread", tweets: string[]): Promise<void> {
  await enqueue(deps.clients.sql, { accountId: deps.config.XBOT_ACCOUNT_ID, kind, tweets, source: "manual", dueAt: new Date(Date.now() - 60_000) });
}

/** Runs `post` in its own process and SIGKILLs it once X holds `n` new tweets of ours (the answer never came). */
async function postThenKill(rt: TestRuntime, n: number): Promise<void> {
  const child = runChild(rt.env, "post", {}, 0, "", JSON.stringify(sandbox.storageState()));
  await waitFor(() => ours().length === n, 60_000);
  await sleep(300);
  child.process.kill("SIGKILL");
  expect(await child.result).toBeNull();
}

/** A runtime on the same database whose clock is past the attempt lease. */
async function later(rt: TestRuntime, minutes = 7): Promise<RuntimeDeps> {
  const clock = new TestClock();
  clock.advance(minutes * 60_000);
  return (await botRuntime("postgres", sandbox, { transport, jobs, clock, env: { ...rt.env } })).factory();
}

/** A thread of `texts` cut after tweet 1 (no answer for tweet 2, then a kill), reconciled after the lease. */
async function cutThread(texts: string[]): Promise<{ deps: RuntimeDeps; afterLease: RuntimeDeps; reconciled: Awaited<ReturnType<typeof runJob>> }> {
  const { rt, deps } = await setup();
  await queue(deps, "thread", texts);
  fault({ kind: "post_without_response", skip: 1 });
  await postThenKill(rt, 2);
  fault(null);
  const afterLease = await later(rt);
  return { deps, afterLease, reconciled: await runJob(afterLease, { job: "reconcile", trigger: "manual" }) };
}

/** GET /api/status as the operator. */
async function status(deps: RuntimeDeps): Promise<{ queue: { counts: Record<string, number> }; health: { alerts: string[] }; posts: { tweetId: string; vanishedAt?: string }[] }> {
  const { GET } = statusRoute(async () => deps);
  return (await GET(new Request("http://x.test/api/status", { headers: { authorization: `Bearer ${TEST_SECRETS.admin}` } }))).json();
}

async function receipts(deps: RuntimeDeps): Promise<{ tweet_id: string; position: number; in_reply_to: string | null }[]> {
  return deps.clients.sql.query("SELECT tweet_id, position, in_reply_to FROM posts WHERE item_id IS NOT NULL ORDER BY position");
}

describe.skipIf(!services().postgres).each(TRANSPORTS)("reconcile on the sandbox (%s transport)", (name) => {
  beforeAll(() => {
    transport = name;
  });
  /** The DOM read path and x.com's page texts exist only on the browser transport. */
  const browserOnly = it.runIf(name === "browser");
  const LONG = `${"Vacuum, autovacuum thresholds, bloat and the index scans that slow down with them. ".repeat(5)}Fin.`;
  it.each(
    [
      { label: "an emoji post", text: "Shipped the new release 🚀 thank you all ❤️ 🙏", path: "graphql" },
      { label: "an emoji post", text: "Shipped the new release 🚀 thank you all ❤️ 🙏", path: "dom" },
      { label: "a post longer than the visible text", text: LONG, path: "graphql" },
      { label: "a post longer than the visible text", text: LONG, path: "dom" },
    ].filter((c) => name === "browser" || c.path === "graphql"),
  )(
    "$label is reconciled to the right id after a killed invocation ($path read)",
    async ({ text, path }) => {
      sandbox.seed({ premium: true } as Parameters<Sandbox["seed"]>[0]);
      const { rt, deps } = await setup();
      await queue(deps, "single", [text]);
      fault({ kind: "post_without_response" });
      await postThenKill(rt, 1);
      fault(path === "dom" ? { kind: "graphql_down" } : null);
      const result = await runJob(await later(rt), { job: "reconcile", trigger: "manual" });
      expect(result.summary).toMatchObject({ resolved: 1, requeued: 0, source: name === "api" ? "api" : path, inconclusive: [] });
      expect((await receipts(deps)).map((r) => r.tweet_id)).toEqual([ours()[0]!.id]);
      expect(ours()).toHaveLength(1);
      expect(await queueCounts(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID)).toMatchObject({ posted: 1, queued: 0, posting: 0 });
    },
    180_000,
  );

  it.each(name === "browser" ? ["graphql", "dom"] : ["graphql"])(
    "a reply whose answer was lost is found under its target (X prefixes '@target ' outside the displayed text), %s read",
    async (path) => {
      const { rt, deps } = await setup();
      const account = deps.config.XBOT_ACCOUNT_ID;
      const [target] = sandbox.seed({ posts: [{ author: "pg_guru", text: "Which index type do you reach for first?" }] });
      await enqueue(deps.clients.sql, { accountId: account, kind: "reply", tweets: ["btree, then measure"], source: "manual", dueAt: new Date(Date.now() - 60_000), inReplyTo: target!.id });
      const item = await claimDue(deps.clients.sql, account, "run-lost-answer", new Date(), ["reply"]);
      await openAttempt(deps.clients.sql, item!, { runId: "run-lost-answer", mode: "live", startedAt: new Date(), leaseUntil: new Date(Date.now() + 60_000) });
      // The click went through and X recorded the reply; the answer never reached us (the invocation died).
      const [onX] = sandbox.seed({ posts: [{ text: "btree, then measure", inReplyTo: target!.id }] });
      fault(path === "dom" ? { kind: "graphql_down" } : null);
      expect((await runJob(await later(rt), { job: "reconcile", trigger: "manual" })).summary).toMatchObject({ resolved: 1, requeued: 0 });
      expect((await receipts(deps)).map((r) => [r.tweet_id, r.in_reply_to])).toEqual([[onX!.id, target!.id]]);
    },
    120_000,
  );

  it("a thread cut after tweet 1 (no answer for tweet 2, then a kill) ends with all three tweets exactly once, in order", async () => {
    const texts = ["Thread on indexes 1/3: btree first", "Thread on indexes 2/3: then partial ones", "Thread on indexes 3/3: and measure"];
    const { deps, afterLease, reconciled } = await cutThread(texts);
    expect(reconciled.summary).toMatchObject({ partial: 1, resolved: 0, requeued: 0 });
    const [item] = await listItems(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID);
    expect(item?.status).toBe("partial");
    const shown = await status(afterLease);
    expect(shown.queue.counts.partial).toBe(1);
    expect(shown.health.alerts.some((a) => /1 thread\(s\) are partial/.test(a))).toBe(true);

    expect((await runJob(afterLease, { job: "post", trigger: "manual", skipLock: true })).summary).toMatchObject({ result: "posted", posted: 1 });
    const onX = ours();
    expect(onX.map((p) => p.text)).toEqual(texts);
    expect(onX.map((p) => p.inReplyTo)).toEqual([null, onX[0]!.id, onX[1]!.id]);
    expect((await receipts(deps)).map((r) => [r.tweet_id, r.position, r.in_reply_to])).toEqual([
      [onX[0]!.id, 0, null],
      [onX[1]!.id, 1, onX[0]!.id],
      [onX[2]!.id, 2, onX[1]!.id],
    ]);
    expect((await listItems(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID))[0]).toMatchObject({ status: "posted", tweetId: onX[0]!.id });
    expect(await runJob(afterLease, { job: "reconcile", trigger: "manual" })).toMatchObject({ status: "ok" });
    expect(ours()).toHaveLength(3);
  }, 240_000);

  it("a thread whose finish X keeps refusing stays partial, flagged, and never posts a tweet twice", async () => {
    const texts = ["Refused thread 1/3 about vacuum", "Refused thread 2/3 about vacuum", "Refused thread 3/3 about vacuum"];
    const { deps, afterLease } = await cutThread(texts);
    fault({ kind: "automated_226" });
    expect(await runJob(afterLease, { job: "post", trigger: "manual", skipLock: true })).toMatchObject({ status: "failed", errorCode: "x_automated" });
    expect((await listItems(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID))[0]).toMatchObject({ status: "partial" });
    expect(ours().map((p) => p.text)).toEqual(texts.slice(0, 2));
    expect((await healthReport(afterLease)).alerts.some((a) => /partial/.test(a))).toBe(true);
  }, 240_000);

  browserOnly(
    "timeline_error during reconcile leaves every open attempt open, requeues nothing, and health names the cause",
    async () => {
      const { rt, deps } = await setup();
      await queue(deps, "single", ["Posted while X was about to throttle us"]);
      fault({ kind: "post_without_response" });
      await postThenKill(rt, 1);
      fault({ kind: "timeline_error" });
      const afterLease = await later(rt);
      const result = await runJob(afterLease, { job: "reconcile", trigger: "manual" });
      expect(result).toMatchObject({ status: "failed", errorCode: "x_unavailable" });
      const attempts = await deps.clients.sql.query<{ status: string }>("SELECT status FROM post_attempts");
      expect(attempts.map((a) => a.status)).toEqual(["open"]);
      expect(await queueCounts(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID)).toMatchObject({ posting: 1, queued: 0, failed: 0 });
      const health = await healthReport(afterLease);
      expect(health.alerts.some((a) => a.includes("Something went wrong. Try reloading."))).toBe(true);
      expect(health.posting).toMatchObject({ attemptsPastLease: 1 });
      fault(null);
      expect((await runJob(afterLease, { job: "reconcile", trigger: "manual" })).summary).toMatchObject({ resolved: 1 });
      expect(ours()).toHaveLength(1);
    },
    240_000,
  );

  it("vanishing_post: X gave an id, the post never shows; reconcile marks the receipt vanished and health says so", async () => {
    const { rt, deps } = await setup();
    await queue(deps, "single", ["A post that X will quietly drop"]);
    fault({ kind: "vanishing_post", count: 1 });
    expect((await runJob(deps, { job: "post", trigger: "manual" })).summary).toMatchObject({ result: "posted" });
    const [receipt] = await receipts(deps);
    expect(sandbox.posts().find((p) => p.id === receipt?.tweet_id)).toMatchObject({ vanished: true });
    const afterGrace = await later(rt, 15);
    expect((await runJob(afterGrace, { job: "reconcile", trigger: "manual" })).summary).toMatchObject({ vanished: 1 });
    const [row] = await deps.clients.sql.query<{ vanished_at: Date | null }>("SELECT vanished_at FROM posts WHERE tweet_id = $1", [receipt!.tweet_id]);
    expect(row?.vanished_at).toBeTruthy();
    expect((await healthReport(afterGrace)).alerts.some((a) => /vanished/.test(a))).toBe(true);
    expect((await status(afterGrace)).posts.find((p) => p.tweetId === receipt!.tweet_id)?.vanishedAt).toBeTruthy();
  }, 180_000);

  it("a 187 (duplicate) on a retried item leaves the attempt open, and reconcile finds the tweet", async () => {
    const { rt, deps } = await setup();
    const text = "Posted once already, the receipt was lost";
    const [onX] = sandbox.seed({ posts: [{ text, createdAtMs: Date.now() }] });
    await queue(deps, "single", [text]);
    await deps.clients.sql.query("UPDATE content_items SET attempts = 1");
    const result = await runJob(deps, { job: "post", trigger: "manual" });
    expect(result.summary).toMatchObject({ result: "unknown" });
    expect((await deps.clients.sql.query<{ status: string }>("SELECT status FROM post_attempts")).map((a) => a.status)).toEqual(["open"]);
    expect((await runJob(await later(rt), { job: "reconcile", trigger: "manual" })).summary).toMatchObject({ resolved: 1 });
    expect((await receipts(deps)).map((r) => r.tweet_id)).toEqual([onX!.id]);
  }, 180_000);
});
