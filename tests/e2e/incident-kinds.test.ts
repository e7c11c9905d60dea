/**
 * Incident kinds raised by real faults of the sandbox X site, through the jobs a user runs
 * (real Chromium, real Postgres and Redis, a webhook receiver on 127.0.0.1 behind three URLs,
 * one per format: json, slack, discord, each body validated as a payload of its format). Each
 * fault runs once; every incident is delivered once in each format when it opens, is not
 * repeated by later runs, is reminded after the (simulated) remind interval while it stays
 * open, and is resolved once when its fault clears:
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
import { eventsByFormat, formatUrls, inEveryFormat } from "../support/alert-payloads.js";

let sandbox: Sandbox;
let receiver: WebhookReceiver;
beforeAll(async () => {
  sandbox = await createSandbox();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

const jobs = [post, reconcile, heal];
/** The events of one incident per format; a body that is not a valid payload of its format throws. */
const events = (path: string, kind: string, subject?: string) => eventsByFormat(receiver, path, kind, subject);
const every = inEveryFormat;

async function openKinds(deps: RuntimeDeps, now: number): Promise<string[]> {
  return (await listIncidents(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, new Date(now)))
    .filter((i) => i.resolvedAt === null)
    .map((i) => `${i.kind}:${i.subject}`)
    .sort();
}

async function queue(deps: RuntimeDeps, text: string, extra: { maxAttempts?: number; kind?: "single" | "thread"; tweets?: string[] } = {}) {
  return (await enqueue(deps.clients.sql, {
    accountId: deps.config.XBOT_ACCOUNT_ID,
    kind: extra.kind ?? "single",
    tweets: extra.tweets ?? [text],
    source: "manual",
    dueAt: new Date(Date.now() - 60_000),
    ...(extra.maxAttempts ? { maxAttempts: extra.maxAttempts } : {}),
  }))!;
}

describe.skipIf(!services().postgres || !services().redis)("incident kinds from real faults", () => {
  it("session missing, the x breaker open, a post failed for good, a ghost, a stale job: each opened once in json, slack and discord, reminded, resolved once", async () => {
    sandbox.reset();
    const path = "/kinds";
    const clock = new TestClock();
    // Remind every 72 simulated seconds: well inside the x breaker's 30-minute cool-down and the attempt lease.
    const REMIND = 72_000;
    const first = await botRuntime("redis", sandbox, {
      jobs,
      clock,
      env: { XBOT_CAPS: NO_CAPS, XBOT_ALERT_WEBHOOK_URL: formatUrls(receiver, path), XBOT_ALERT_REMIND_HOURS: "0.02", XBOT_X_USER: "" },
    });
    const noSession = await first.factory();
    const doomed = await queue(noSession, `doomed ${Math.random()}`, { maxAttempts: 1 });

    // 1. No handle and no stored session.
    expect(await runJob(noSession, { job: "post", trigger: "manual" })).toMatchObject({ status: "failed", errorCode: "session_missing" });
    expect(await openKinds(noSession, clock.now())).toContain("session:x");
    expect((await listItems(noSession.clients.sql, noSession.config.XBOT_ACCOUNT_ID)).find((i) => i.id === doomed.id)?.status).toBe("queued");
    expect(events(path, "session", "x")).toEqual(every(["opened"]));
    // A later run, one remind interval on: still missing, reminded, not opened again. Its second failure opens the x breaker.
    clock.advance(REMIND);
    expect(await runJob(noSession, { job: "post", trigger: "manual" })).toMatchObject({ status: "failed", errorCode: "session_missing" });
    expect(events(path, "session", "x")).toEqual(every(["opened", "reminder"]));
    expect(await openKinds(noSession, clock.now())).toEqual(["breaker_open:x", "session:x"]);
    await noSession.clients.state.resetBreaker("x");

    // 2. The session is fixed; X answers 226: the x breaker opens, the one-attempt item fails for good.
    const deps = await (await botRuntime("redis", sandbox, { jobs, clock, env: { ...first.env, XBOT_X_USER: sandbox.user } })).factory();
    sandbox.setFault({ kind: "automated_226", count: 1 });
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "failed", errorCode: "x_automated" });
    expect(await openKinds(deps, clock.now())).toEqual([`breaker_open:x`, `post_failed:${doomed.id}`]);
    const [breaker] = (await listIncidents(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, new Date(clock.now()))).filter((i) => i.kind === "breaker_open");
    expect(breaker!.message).toMatch(/breaker x is open after \d+ failure\(s\); next try at \d{4}-/);
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "skipped", reason: "breaker_open:x" });
    expect(events(path, "breaker_open", "x")).toEqual(every(["opened"]));
    expect(events(path, "post_failed", doomed.id)).toEqual(every(["opened"]));
    clock.advance(REMIND);
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "skipped", reason: "breaker_open:x" });
    expect(events(path, "breaker_open", "x")).toEqual(every(["opened", "reminder"]));
    expect(events(path, "post_failed", doomed.id)).toEqual(every(["opened", "reminder"]));

    // The operator's fix: reset the breaker. The next item posts, the breaker incident resolves.
    await deps.clients.state.resetBreaker("x");
    const next = `after the reset ${Math.random().toString(36).slice(2, 8)}`;
    await queue(deps, next);
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "ok", summary: { posted: 1 } });
    expect(events(path, "breaker_open", "x")).toEqual(every(["opened", "reminder", "resolved"]));

    // 3. A ghost: a post on X as us that xbot never made, after our first post (the sandbox's clock follows the simulated one).
    sandbox.setNow(clock.now() + 5_000);
    expect((await gqlPost(sandbox, "CreateTweet", { tweet_text: `posted by hand ${Math.random()}` })).status).toBe(200);
    const reconciled = await runJob(deps, { job: "reconcile", trigger: "manual" });
    expect(reconciled.summary?.ghosts, JSON.stringify(reconciled)).toBe(1);
    expect(await openKinds(deps, clock.now())).toEqual(["ghost_found:x", `post_failed:${doomed.id}`]);
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "ok" });
    expect(events(path, "ghost_found", "x")).toEqual(every(["opened"]));
    clock.advance(REMIND);
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "ok" });
    expect(events(path, "ghost_found", "x")).toEqual(every(["opened", "reminder"]));

    // 4. A day later: the failed item and the ghost age out; reconcile's heartbeat is stale until it runs.
    clock.advance(25 * 3_600_000);
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "ok" });
    expect(await openKinds(deps, clock.now())).toEqual(["job_stale:reconcile"]);
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "ok" });
    expect(events(path, "job_stale", "reconcile")).toEqual(every(["opened"]));
    clock.advance(REMIND);
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "ok" });
    expect(events(path, "job_stale", "reconcile")).toEqual(every(["opened", "reminder"]));
    await runJob(deps, { job: "reconcile", trigger: "manual" });
    expect(await openKinds(deps, clock.now())).toEqual([]);
    await runJob(deps, { job: "post", trigger: "manual" });

    // post_failed stayed open across two remind intervals (the breaker's and the ghost's): reminded twice.
    for (const [kind, subject, reminders] of [
      ["session", "x", 1],
      ["breaker_open", "x", 1],
      ["post_failed", doomed.id, 2],
      ["ghost_found", "x", 1],
      ["job_stale", "reconcile", 1],
    ] as const) {
      expect(events(path, kind, subject), `${kind}:${subject}`).toEqual(every(["opened", ...Array<string>(reminders).fill("reminder"), "resolved"]));
    }
  }, 240_000);

  it("a thread cut after its first tweet is partial: opened once in each format, reminded, resolved when the post job finishes the thread", async () => {
    sandbox.reset();
    const path = "/partial";
    const clock = new TestClock();
    const rt = await botRuntime("postgres", sandbox, { jobs, clock, env: { XBOT_CAPS: NO_CAPS, XBOT_ALERT_WEBHOOK_URL: formatUrls(receiver, path), XBOT_ALERT_REMIND_HOURS: "0.1" } });
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
    expect(events(path, "partial_thread", thread.id)).toEqual(every(["opened"]));
    await runJob(deps, { job: "reconcile", trigger: "manual" });
    expect(events(path, "partial_thread", thread.id)).toEqual(every(["opened"]));
    // Six simulated minutes (the remind interval) later, still partial: one reminder.
    clock.advance(6 * 60_000 + 1_000);
    sandbox.setNow(clock.now());
    await runJob(deps, { job: "reconcile", trigger: "manual" });
    expect(events(path, "partial_thread", thread.id)).toEqual(every(["opened", "reminder"]));
    clock.advance(10 * 60_000);
    sandbox.setNow(clock.now());
    expect(await runJob(deps, { job: "post", trigger: "manual" })).toMatchObject({ status: "ok", summary: { posted: 1 } });
    expect(events(path, "partial_thread", thread.id)).toEqual(every(["opened", "reminder", "resolved"]));
    expect(
      sandbox
        .posts()
        .filter((p) => p.text.endsWith(tag) && !p.deleted)
        .map((p) => p.text)
        .sort(),
    ).toEqual([`cut thread one ${tag}`, `cut thread two ${tag}`]);
  }, 180_000);

  it("an attempt stuck past its lease with reconcile blocked, the x breaker isolated, and nothing posted for hours while due: each opened once in each format, reminded, resolved once", async () => {
    sandbox.reset();
    const path = "/stuck";
    const clock = new TestClock();
    const rt = await botRuntime("redis", sandbox, { jobs, clock, env: { XBOT_CAPS: NO_CAPS, XBOT_ALERT_WEBHOOK_URL: formatUrls(receiver, path), XBOT_ALERT_REMIND_HOURS: "1" } });
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
    for (const [kind, subject] of [
      ["attempt_stuck", "attempts"],
      ["breaker_isolated", "x"],
      ["nothing_posted", "queue"],
    ] as const)
      expect(events(path, kind, subject), kind).toEqual(every(["opened"]));
    // An hour on (the remind interval), all three still open: one reminder each.
    clock.advance(3_600_000 + 60_000);
    sandbox.setNow(clock.now());
    await runJob(deps, { job: "heal", trigger: "manual" });
    for (const [kind, subject] of [
      ["attempt_stuck", "attempts"],
      ["breaker_isolated", "x"],
      ["nothing_posted", "queue"],
    ] as const)
      expect(events(path, kind, subject), kind).toEqual(every(["opened", "reminder"]));

    await deps.clients.state.resetBreaker("x");
    expect((await runJob(deps, { job: "reconcile", trigger: "manual" })).summary).toMatchObject({ resolved: 1 });
    expect(events(path, "attempt_stuck", "attempts")).toEqual(every(["opened", "reminder", "resolved"]));
    expect(events(path, "breaker_isolated", "x")).toEqual(every(["opened", "reminder", "resolved"]));
    // The killed child's post lock lapses within about a minute of real time (RUN_LEASE_MS).
    let posted = await runJob(deps, { job: "post", trigger: "manual" });
    for (let i = 0; i < 40 && posted.reason === "locked"; i++) {
      await new Promise((r) => setTimeout(r, 2_000));
      posted = await runJob(deps, { job: "post", trigger: "manual" });
    }
    expect(posted, JSON.stringify(posted)).toMatchObject({ status: "ok", summary: { posted: 1 } });
    expect(events(path, "nothing_posted", "queue")).toEqual(every(["opened", "reminder", "resolved"]));
    expect(await openKinds(deps, clock.now())).toEqual([]);
    expect(sandbox.posts().filter((p) => p.text.endsWith(tag) && !p.deleted)).toHaveLength(2);
  }, 180_000);
});
