/**
 * Incident kinds raised by real faults of the sandbox X site, through the jobs a user runs
 * (real Chromium, real Postgres and Redis, a json webhook receiver on 127.0.0.1). Each
 * incident is delivered once when it opens, is not repeated by later runs, and is resolved
 * once when its fault clears:
 *  - session missing (no handle, no stored session), then fixed;
 *  - X answering 226: the x breaker opens (with its cool-down) and an item with one attempt
 *    fails for good; the operator resets the breaker, the next item posts;
 *  - a ghost (a post on X the database never knew), found by reconcile;
 *  - a stale job heartbeat on a simulated clock;
 *  - a thread cut after its first tweet (partial);
 *  - a post killed after its click (attempt open) while the x breaker is isolated: the attempt
 *    is stuck past its lease with reconcile unable to run, and nothing is posted for hours
 *    while an item is due (simulated clock).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { enqueue, listItems } from "../../lib/db/queue.js";
import { listIncidents } from "../../lib/db/incidents.js";
import { runJob, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { post } from "../../lib/jobs/post.js";
import { reconcile } from "../../lib/jobs/reconcile.js";
import { heal } from "../../lib/jobs/heal.js";
import { services } from "../support/env.js";
import { botRuntime, NO_CAPS, TestClock } from "../support/bot.js";
import { gqlPost } from "../support/sandbox-api.js";
import { runChild } from "../support/child.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

let sandbox: Sandbox;
let receiver: WebhookReceiver;
beforeAll(async () => { sandbox = await createSandbox(); receiver = await startWebhookReceiver(); });
afterAll(async () => { await sandbox.close(); await receiver.close(); });

const jobs = [post, reconcile, heal];
type Body = { event: string; incident: { kind: string; subject: string; message: string } };
const events = (path: string, kind: string, subject?: string) => receiver.received.filter((r) => r.path === path).map((r) => r.body as Body)
  .filter((b) => b.incident.kind === kind && (subject === undefined || b.incident.subject === subject)).map((b) => b.event);

async function openKinds(deps: RuntimeDeps, now: number): Promise<string[]> {
  return (await listIncidents(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, new Date(now))).filter((i) => i.resolvedAt === null).map((i) => `${i.kind}:${i.subject}`).sort();
}

async function queue(deps: RuntimeDeps, text: string, extra: { maxAttempts?: number; kind?: "single" | "thread"; tweets?: string[] } = {}) {
  return (await enqueue(deps.clients.sql, { accountId: deps.config.XBOT_ACCOUNT_ID, kind: extra.kind ?? "single", tweets: extra.tweets ?? [text], source: "manual", dueAt: new Date(Date.now() - 60_000), ...(extra.maxAttempts ? { maxAttempts: extra.maxAttempts } : {}) }))!;
}

describe.skipIf(!services().postgres || !services().redis)("incident kinds from real faults", () => {
  it("session missing, the x breaker open, a post failed for good, a ghost, a stale job: each opened once, resolved once", async () => {
    sandbox.reset();
    const path = "/kinds";
    const clock = new TestClock();
    const first = await botRuntime("redis", sandbox, { jobs, clock, env: { XBOT_CAPS: NO_CAPS, XBOT_ALERT_WEBHOOK_URL: receiver.url + path, XBOT_X_USER: "" } });
    const noSession = await first.factory();
    const doomed = await queue(noSession, `doomed ${Math.random()}`, { maxAttempts: 1 });

    // 1. No handle and no stored session.
    expect(await runJob(noSession, { job: "post", trigger: "manual" })).toMatchObject({ status: "failed", errorCode: "session_missing" });
    expect(await openKinds(noSession, clock.now())).toContain("session:x");
    expect((await listItems(noSession.clients.sql, noSession.config.XBOT_ACCOUNT_ID)).find((i) => i.id === doomed.id)?.status).toBe("queued");

    // 2. The session is fixed; X answers 226: the x breaker opens, the one-attempt item fails for good.
    const deps = await (await botRuntime("redis", sandbox, { jobs, clock, env: { ...first.env, XBOT_X_USER: sandbox.user } })).factory();
    sandbox.setFault({ kind: "automated_226", count: 1 });
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "failed", errorCode: "x_automated" });
    expect(await openKinds(deps, clock.now())).toEqual([`breaker_open:x`, `post_failed:${doomed.id}`]);
    const [breaker] = (await listIncidents(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, new Date(clock.now()))).filter((i) => i.kind === "breaker_open");
    expect(breaker!.message).toMatch(/breaker x is open after \d+ failure\(s\); next try at \d{4}-/);
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "skipped", reason: "breaker_open:x" });
    expect(events(path, "breaker_open", "x")).toEqual(["opened"]);

    // The operator's fix: reset the breaker. The next item posts, the breaker incident resolves.
    await deps.clients.state.resetBreaker("x");
    const next = `after the reset ${Math.random().toString(36).slice(2, 8)}`;
    await queue(deps, next);
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "ok", summary: { posted: 1 } });
    expect(events(path, "breaker_open", "x")).toEqual(["opened", "resolved"]);

    // 3. A ghost: a post on X as us that xbot never made.
    expect((await gqlPost(sandbox, "CreateTweet", { tweet_text: `posted by hand ${Math.random()}` })).status).toBe(200);
    const reconciled = await runJob(deps, { job: "reconcile", trigger: "manual" });
    expect(reconciled.summary?.ghosts).toBe(1);
    expect(await openKinds(deps, clock.now())).toEqual(["ghost_found:x", `post_failed:${doomed.id}`]);

    // 4. A day later: the failed item and the ghost age out; reconcile's heartbeat is stale until it runs.
    clock.advance(25 * 3_600_000);
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "ok" });
    expect(await openKinds(deps, clock.now())).toEqual(["job_stale:reconcile"]);
    await runJob(deps, { job: "reconcile", trigger: "manual" });
    expect(await openKinds(deps, clock.now())).toEqual([]);
    await runJob(deps, { job: "post", trigger: "manual" });

    for (const [kind, subject] of [["session", "x"], ["breaker_open", "x"], ["post_failed", doomed.id], ["ghost_found", "x"], ["job_stale", "reconcile"]] as const) {
      expect(events(path, kind, subject), `${kind}:${subject}`).toEqual(["opened", "resolved"]);
    }
  }, 240_000);

  it("a thread cut after its first tweet is partial: the incident opens once and resolves when the post job finishes the thread", async () => {
    sandbox.reset();
    const path = "/partial";
    const clock = new TestClock();
    const rt = await botRuntime("postgres", sandbox, { jobs, clock, env: { XBOT_CAPS: NO_CAPS, XBOT_ALERT_WEBHOOK_URL: receiver.url + path } });
    const deps = await rt.factory();
    const tag = Math.random().toString(36).slice(2, 8);
    const thread = await queue(deps, "", { kind: "thread", tweets: [`cut thread one ${tag}`, `cut thread two ${tag}`] });
    sandbox.setFault({ kind: "automated_226", skip: 1, count: 1 });
    const cut = await runJob(deps, { job: "post", trigger: "manual" });
    expect(cut).toMatchObject({ status: "failed", errorCode: "x_automated", summary: { posted: "partial" } });
    // The operator resets the x breaker; past the attempt lease, reconcile finds the first tweet on X: partial.
    await deps.clients.state.resetBreaker("x");
    clock.advance(7 * 60_000);
    sandbox.setNow(clock.now());
    expect(await runJob(deps, { job: "reconcile", trigger: "manual" })).toMatchObject({ status: "ok", summary: { partial: 1 } });
    expect((await listItems(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID)).find((i) => i.id === thread.id)?.status).toBe("partial");
    expect(events(path, "partial_thread", thread.id)).toEqual(["opened"]);
    await runJob(deps, { job: "reconcile", trigger: "manual" });
    expect(events(path, "partial_thread", thread.id)).toEqual(["opened"]);
    clock.advance(16 * 60_000);
    sandbox.setNow(clock.now());
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "ok", summary: { posted: 1 } });
    expect(events(path, "partial_thread", thread.id)).toEqual(["opened", "resolved"]);
    expect(sandbox.posts().filter((p) => p.text.endsWith(tag) && !p.deleted).map((p) => p.text).sort()).toEqual([`cut thread one ${tag}`, `cut thread two ${tag}`]);
  }, 180_000);

  it("an attempt stuck past its lease with reconcile blocked, and nothing posted for hours while due: each opened once, resolved once", async () => {
    sandbox.reset();
    const path = "/stuck";
    const clock = new TestClock();
    const rt = await botRuntime("redis", sandbox, { jobs, clock, env: { XBOT_CAPS: NO_CAPS, XBOT_ALERT_WEBHOOK_URL: receiver.url + path } });
    const deps = await rt.factory();
    const tag = Math.random().toString(36).slice(2, 8);
    await queue(deps, `killed after the click ${tag}`);
    const child = runChild(rt.env, "post", {}, 0, "", JSON.stringify(sandbox.storageState()), "post:after_click");
    expect(await child.result).toBeNull();
    await queue(deps, `waiting behind it ${tag}`);
    await deps.clients.state.isolateBreaker("x", clock.now());

    clock.advance(4 * 3_600_000);
    sandbox.setNow(clock.now());
    expect((await runJob(deps, { job: "heal", trigger: "manual" })).summary?.reconciled).toMatchObject({ stuck: 1, skipped: "breaker x is not closed" });
    expect(await openKinds(deps, clock.now())).toEqual(["attempt_stuck:attempts", "breaker_isolated:x", "nothing_posted:queue"]);
    await runJob(deps, { job: "heal", trigger: "manual" });
    expect(events(path, "attempt_stuck", "attempts")).toEqual(["opened"]);
    expect(events(path, "nothing_posted", "queue")).toEqual(["opened"]);

    await deps.clients.state.resetBreaker("x");
    expect((await runJob(deps, { job: "reconcile", trigger: "manual" })).summary).toMatchObject({ resolved: 1 });
    expect(events(path, "attempt_stuck", "attempts")).toEqual(["opened", "resolved"]);
    // The killed child's post lock lapses within about a minute of real time (RUN_LEASE_MS).
    let posted = await runJob(deps, { job: "post", trigger: "manual" });
    for (let i = 0; i < 40 && posted.reason === "locked"; i++) {
      await new Promise((r) => setTimeout(r, 2_000));
      posted = await runJob(deps, { job: "post", trigger: "manual" });
    }
    expect(posted, JSON.stringify(posted)).toMatchObject({ status: "ok", summary: { posted: 1 } });
    expect(events(path, "nothing_posted", "queue")).toEqual(["opened", "resolved"]);
    expect(await openKinds(deps, clock.now())).toEqual([]);
    expect(sandbox.posts().filter((p) => p.text.endsWith(tag) && !p.deleted)).toHaveLength(2);
  }, 180_000);
});
