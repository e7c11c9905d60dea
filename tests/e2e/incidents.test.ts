/**
 * Incidents and pushed alerts through the jobs a user runs, on real Postgres and Redis, real
 * Chromium and the sandbox X site, with a local webhook receiver on 127.0.0.1 (behind three
 * URLs, one per format, each body validated as a payload of its format, except in the last block):
 *  - a browser that cannot launch (an unusable CHROMIUM_PATH-style executable) during a post
 *    leaves the item queued (never posting), opens one incident, alerts it once, reminds after
 *    the simulated interval; when the browser works the item is posted once and the incident
 *    resolves once;
 *  - heal hands back a claim that has no attempt and is older than the lease, with the state
 *    store up and with it down, and raises the incident; the state store down is alerted once,
 *    reminded after the interval, and resolved once when the store is back;
 *  - in each format (json, slack, discord): delivered once, not repeated, reminded after the
 *    simulated interval, resolved once; a failing receiver is retried on the next run.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { localExecutableProvider, openBrowser, sparticuzProvider } from "../../lib/browser/index.js";
import { claimDue, enqueue, listItems } from "../../lib/db/queue.js";
import { listIncidents } from "../../lib/db/incidents.js";
import { runJob, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { post } from "../../lib/jobs/post.js";
import { reconcile } from "../../lib/jobs/reconcile.js";
import { heal } from "../../lib/jobs/heal.js";
import type { BrowserOpener } from "../../lib/jobs/context.js";
import { services } from "../support/env.js";
import { botRuntime, NO_CAPS, TestClock } from "../support/bot.js";
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

/** An executable path that exists but cannot run a browser (what a wrong CHROMIUM_PATH gives). */
function unusableChromium(): string {
  const path = join(mkdtempSync(join(tmpdir(), "xbot-badchrome-")), "chromium");
  writeFileSync(path, "#!/bin/sh\necho 'not a browser' >&2\nexit 1\n");
  chmodSync(path, 0o755);
  return path;
}

/** An opener whose browser launches from an unusable executable until `works` is set. */
function switchableOpener(badPath: string): BrowserOpener & { works: boolean } {
  const opener = Object.assign(
    ({ log }: { log: import("../../lib/log.js").Logger }) =>
      openBrowser({ provider: opener.works ? sparticuzProvider() : localExecutableProvider(badPath), storageState: sandbox.storageState(), logger: log }),
    { works: false },
  );
  return opener;
}

const hooked = (path: string) => receiver.received.filter((r) => r.path === path);
/** Events of `kind` per format (json, slack, discord URLs under `path`); an invalid payload throws. */
const events = (path: string, kind: string) => eventsByFormat(receiver, path, kind);

async function itemNow(deps: RuntimeDeps, id: string) {
  return (await listItems(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, { limit: 200 })).find((i) => i.id === id)!;
}

describe.skipIf(!services().postgres)("incidents and alerts", () => {
  it("a browser that cannot launch during a post: item queued at once, one incident alerted once; posted once when the browser works, resolved once", async () => {
    const path = "/browser-hook";
    const opener = switchableOpener(unusableChromium());
    const clock = new TestClock();
    const rt = await botRuntime("redis", sandbox, {
      jobs: [post, reconcile, heal],
      opener,
      clock,
      env: { XBOT_CAPS: NO_CAPS, XBOT_ALERT_WEBHOOK_URL: formatUrls(receiver, path), XBOT_ALERT_REMIND_HOURS: "0.02", XBOT_PUBLIC_URL: "https://xbot.example.test" },
    });
    const deps = await rt.factory();
    const text = `browser fault item ${Math.random().toString(36).slice(2, 8)}`;
    const item = (await enqueue(deps.clients.sql, { accountId: deps.config.XBOT_ACCOUNT_ID, kind: "single", tweets: [text], source: "manual", dueAt: new Date(Date.now() - 60_000) }))!;

    for (let run = 0; run < 2; run++) {
      // The second run comes one remind interval (72 simulated seconds) later: a reminder, not a second opening.
      if (run === 1) clock.advance(73_000);
      const result = await runJob(deps, { job: "post", trigger: "manual" });
      expect(result.status).toBe("failed");
      expect(result.errorCode).toBe("browser_launch");
      const now = await itemNow(deps, item.id);
      expect(now.status).toBe("queued");
      expect(now.attempts).toBe(0);
      expect(now.reason).toMatch(/not attempted: browser_launch/);
      expect(events(path, "browser_launch")).toEqual(inEveryFormat(run === 0 ? ["opened"] : ["opened", "reminder"]));
    }
    const open = (await listIncidents(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, new Date(clock.now()))).filter((i) => i.kind === "browser_launch");
    expect(open.map((i) => [i.subject, i.resolvedAt])).toEqual([["post", null]]);
    expect(open[0]!.fix).toMatch(/CHROMIUM_PATH/);
    expect(hooked(`${path}/json`)[0]!.body.dashboard).toBe("https://xbot.example.test");
    expect(await deps.clients.sql.query("SELECT 1 FROM post_attempts")).toHaveLength(0);

    opener.works = true;
    const ok = await runJob(deps, { job: "post", trigger: "manual" });
    expect(ok.status).toBe("ok");
    expect(ok.summary?.posted).toBe(1);
    expect(sandbox.posts().filter((p) => p.text === text && !p.deleted)).toHaveLength(1);
    expect((await itemNow(deps, item.id)).status).toBe("posted");
    await runJob(deps, { job: "post", trigger: "manual" });
    expect(sandbox.posts().filter((p) => p.text === text && !p.deleted)).toHaveLength(1);
    expect(events(path, "browser_launch")).toEqual(inEveryFormat(["opened", "reminder", "resolved"]));
    const after = (await listIncidents(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, new Date(clock.now()))).filter((i) => i.kind === "browser_launch");
    expect(after).toHaveLength(1);
    expect(after[0]!.resolvedAt).not.toBeNull();
  }, 180_000);

  it.each([
    ["postgres", "up"],
    ["redis", "down"],
  ] as const)(
    "heal (state store %s, %s) requeues a claim with no attempt older than the lease and raises the incident",
    async (store, stateIs) => {
      const path = `/heal-${stateIs}`;
      const env: Record<string, string> = { XBOT_ALERT_WEBHOOK_URL: formatUrls(receiver, path), XBOT_ALERT_REMIND_HOURS: "0.2" };
      const clock = new TestClock();
      const rt = await botRuntime(store, sandbox, { jobs: [post, reconcile, heal], clock, env });
      // The state store goes down: the runtime's Redis front door points where nothing listens.
      const working = { UPSTASH_REDIS_REST_URL: rt.env.UPSTASH_REDIS_REST_URL!, UPSTASH_REDIS_REST_TOKEN: rt.env.UPSTASH_REDIS_REST_TOKEN! };
      if (stateIs === "down") Object.assign(rt.env, { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", UPSTASH_REDIS_REST_TOKEN: "nothing-listens-here-0123" });
      const deps = await rt.factory();
      const item = (await enqueue(deps.clients.sql, {
        accountId: deps.config.XBOT_ACCOUNT_ID,
        kind: "single",
        tweets: [`abandoned ${Math.random()}`],
        source: "manual",
        dueAt: new Date(Date.now() - 60_000),
      }))!;
      expect((await claimDue(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, "post_dead_run", new Date()))?.id).toBe(item.id);

      const early = await runJob(deps, { job: "heal", trigger: "manual" });
      expect(early.status).toBe("ok");
      expect((await itemNow(deps, item.id)).status).toBe("posting");
      clock.advance(7 * 60_000);
      const result = await runJob(deps, { job: "heal", trigger: "manual" });
      expect(result.status).toBe("ok");
      expect(result.summary?.[stateIs === "down" ? "orphansRequeued" : "claimsReleased"]).toBe(1);
      const now = await itemNow(deps, item.id);
      expect(now.status).toBe("queued");
      expect(now.attempts).toBe(0);
      const incidents = await listIncidents(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, new Date(clock.now()));
      const stuck = incidents.filter((i) => i.kind === "stuck_posting");
      expect(stuck.map((i) => [i.subject, i.sourceRun])).toEqual([[item.id, result.runId]]);
      expect(stuck[0]!.resolvedAt).not.toBeNull();
      // Raised and requeued in the same run: only the resolve is sent (a problem that came and went), once per format.
      expect(events(path, "stuck_posting")).toEqual(inEveryFormat(["resolved"]));
      expect(incidents.some((i) => i.kind === "state_down" && i.resolvedAt === null)).toBe(stateIs === "down");
      if (stateIs === "down") {
        expect(events(path, "state_down")).toEqual(inEveryFormat(["opened"]));
        // One remind interval (12 simulated minutes) after it opened, still down: one reminder per format.
        clock.advance(6 * 60_000);
        await runJob(deps, { job: "heal", trigger: "manual" });
        expect(events(path, "state_down")).toEqual(inEveryFormat(["opened", "reminder"]));
        // The state store is back: the next run resolves the incident, once per format.
        Object.assign(rt.env, working);
        const healed = await rt.factory();
        for (let run = 0; run < 2; run++) expect((await runJob(healed, { job: "heal", trigger: "manual" })).status).toBe("ok");
        expect(events(path, "state_down")).toEqual(inEveryFormat(["opened", "reminder", "resolved"]));
        const after = (await listIncidents(healed.clients.sql, healed.config.XBOT_ACCOUNT_ID, new Date(clock.now()))).filter((i) => i.kind === "state_down");
        expect(after.map((i) => i.resolvedAt !== null)).toEqual([true]);
      }
    },
    120_000,
  );
});

describe.skipIf(!services().postgres)("alerts in each format", () => {
  it.each(["json", "slack", "discord"] as const)(
    "%s: an isolated breaker is alerted once, reminded after the interval, resolved once; a failing receiver is retried",
    async (format) => {
      const path = `/fmt-${format}`;
      const clock = new TestClock();
      const rt = await botRuntime("postgres", sandbox, {
        jobs: [post, reconcile, heal],
        clock,
        env: { XBOT_ALERT_WEBHOOK_URL: receiver.url + path, XBOT_ALERT_FORMAT: format, XBOT_ALERT_REMIND_HOURS: "6" },
      });
      const deps = await rt.factory();
      const healRun = () => runJob(deps, { job: "heal", trigger: "manual" });
      await deps.clients.state.isolateBreaker("llm", clock.now());
      receiver.mode = "fail";
      await healRun();
      expect(hooked(path)).toHaveLength(0);
      const [failing] = (await listIncidents(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, new Date(clock.now()))).filter((i) => i.kind === "breaker_isolated");
      expect(failing?.deliveryError).toMatch(/HTTP 500/);
      receiver.mode = "ok";
      await healRun();
      await healRun();
      expect(hooked(path)).toHaveLength(1);
      clock.advance(6 * 3_600_000 + 60_000);
      await healRun();
      await healRun();
      expect(hooked(path)).toHaveLength(2);
      await deps.clients.state.resetBreaker("llm");
      await healRun();
      await healRun();
      const bodies = hooked(path).map((r) => JSON.stringify(r.body));
      expect(bodies).toHaveLength(3);
      expect(hooked(path).every((r) => r.contentType === "application/json")).toBe(true);
      const words = [/Incident opened/, /Still open/, /Resolved/];
      for (const [i, b] of bodies.entries()) expect(b).toMatch(words[i]!);
      expect(bodies[0]).toMatch(/breaker llm is isolated/);
      expect(bodies[0]).toMatch(/xbot breaker reset llm/);
      if (format === "json") expect(hooked(path).map((r) => (r.body as { event: string }).event)).toEqual(["opened", "reminder", "resolved"]);
      if (format === "slack") expect(hooked(path).every((r) => typeof r.body.text === "string" && Array.isArray(r.body.blocks))).toBe(true);
      if (format === "discord") expect(hooked(path).every((r) => Array.isArray(r.body.embeds) && JSON.stringify(r.body.allowed_mentions) === '{"parse":[]}')).toBe(true);
      const [resolved] = (await listIncidents(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, new Date(clock.now()))).filter((i) => i.kind === "breaker_isolated");
      expect(resolved?.resolvedAt).not.toBeNull();
      expect(resolved?.deliveryError).toBeNull();
      for (const body of bodies) expect(body).not.toContain(rt.env.XBOT_ADMIN_TOKEN!);
    },
    120_000,
  );
});
