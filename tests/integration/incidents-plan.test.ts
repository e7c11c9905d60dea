/**
 * Incidents raised by the plan job (AI SDK test models, real Postgres and Redis, a webhook
 * receiver on 127.0.0.1 behind three URLs, one per format: json, slack, discord, each body
 * validated as a payload of its format): the LLM failing, the LLM over budget, the queue left
 * empty and the queue under target. Each is alerted once in every format, not repeated by the
 * next run, reminded after the remind interval (one simulated hour), and resolved once when the
 * fault clears.
 * The default without an LLM key raises nothing (it is an info line on the dashboard).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listIncidents } from "../../lib/db/incidents.js";
import { spendKey } from "../../lib/content/budget.js";
import { enqueue } from "../../lib/db/queue.js";
import { apiError, contentDir, planSetup, scriptedModel, singleJson, type PlanSetup } from "../support/job-fixtures.js";
import { availableStores } from "../support/runtime.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";
import { eventsByFormat, formatUrls, inEveryFormat } from "../support/alert-payloads.js";

const DAY = Date.UTC(2031, 2, 4, 10, 0, 0);
const SINGLES = [
  "Partial indexes keep hot queries fast when most rows are archived: index only the rows you actually query.",
  "Name migrations after the change they make, not the ticket number. Future you will grep for the change.",
];
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
});

const HOUR = 3_600_000;
const events = (path: string, kind: string, subject: string) => eventsByFormat(receiver, path, kind, subject);
const open = async (s: PlanSetup) =>
  (await listIncidents(s.deps.clients.sql, "default", new Date(s.deps.clock!.now())))
    .filter((i) => i.resolvedAt === null)
    .map((i) => `${i.kind}:${i.subject}`)
    .sort();
/** A clock at DAY that a test moves forward. */
const movable = () => {
  let t = DAY;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
};
const alertEnv = (path: string) => ({ XBOT_ALERT_WEBHOOK_URL: formatUrls(receiver, path), XBOT_ALERT_REMIND_HOURS: "1" });

describe.each(availableStores())("plan incidents on %s", (store) => {
  it("the LLM failing: opened once in each format, not repeated, reminded after the interval, resolved once the LLM answers", async () => {
    const path = `/llm-failing-${store}`;
    const clock = movable();
    const s = await planSetup(store, { model: scriptedModel([apiError(401), apiError(401), apiError(401), singleJson(SINGLES[0]!)]), contentDir: contentDir(["single"]) }, clock, alertEnv(path));
    expect((await s.run({ target: 10, maxPerRun: 1 })).summary).toMatchObject({ degraded: "llm failed: llm_unavailable" });
    expect(await open(s)).toEqual(["llm:failing"]);
    await s.run({ target: 10, maxPerRun: 1 });
    expect(events(path, "llm", "failing")).toEqual(inEveryFormat(["opened"]));
    clock.advance(HOUR + 60_000);
    await s.run({ target: 10, maxPerRun: 1 });
    expect(events(path, "llm", "failing")).toEqual(inEveryFormat(["opened", "reminder"]));
    // The third failure opened the llm breaker; past its cool-down the probe answers.
    clock.advance(2 * HOUR);
    const fourth = await s.run({ target: 10, maxPerRun: 1 });
    expect(fourth.summary, JSON.stringify(fourth.summary)).toMatchObject({ llm: 1 });
    expect(fourth.summary?.degraded).toBeUndefined();
    // Three simulated hours on, the planned items are due with no post job here: nothing_posted is true, and not this test's.
    expect((await open(s)).filter((k) => k.startsWith("llm:"))).toEqual([]);
    await s.run({ target: 10, maxPerRun: 1 });
    expect(events(path, "llm", "failing")).toEqual(inEveryFormat(["opened", "reminder", "resolved"]));
  });

  it("the LLM over budget and the queue left empty: each opened once in each format, reminded, resolved once (items queued; the next day's budget)", async () => {
    const path = `/budget-${store}`;
    const clock = movable();
    const s = await planSetup(store, { model: scriptedModel(SINGLES.map(singleJson)), contentDir: contentDir(["single"], { posts: [] }) }, clock, {
      XBOT_LLM_DAILY_BUDGET_USD: "0.5",
      ...alertEnv(path),
    });
    await s.deps.clients.state.incrementCounter(spendKey(DAY), 499_000, 48 * 3_600_000);
    expect((await s.run({ target: 2 })).summary).toMatchObject({ planned: 0, degraded: "llm over budget" });
    expect(await open(s)).toEqual(["llm:budget", "queue:empty"]);
    await s.run({ target: 2 });
    expect(events(path, "llm", "budget")).toEqual(inEveryFormat(["opened"]));
    expect(events(path, "queue", "empty")).toEqual(inEveryFormat(["opened"]));
    clock.advance(HOUR + 60_000);
    await s.run({ target: 2 });
    expect(events(path, "llm", "budget")).toEqual(inEveryFormat(["opened", "reminder"]));
    expect(events(path, "queue", "empty")).toEqual(inEveryFormat(["opened", "reminder"]));
    await enqueue(s.deps.clients.sql, { accountId: "default", kind: "single", tweets: ["queued by hand so the queue is not empty"], source: "manual", dueAt: new Date(DAY + 30 * HOUR) });
    await s.run({ target: 1 });
    expect(events(path, "queue", "empty")).toEqual(inEveryFormat(["opened", "reminder", "resolved"]));
    // The next day the budget is fresh: the LLM plans again and the budget incident resolves.
    clock.advance(24 * HOUR);
    const nextDay = await s.run({ target: 2 });
    expect(nextDay.summary?.degraded, JSON.stringify(nextDay.summary)).toBeUndefined();
    expect(await open(s)).toEqual([]);
    await s.run({ target: 2 });
    expect(events(path, "llm", "budget")).toEqual(inEveryFormat(["opened", "reminder", "resolved"]));
    expect(events(path, "queue", "empty")).toEqual(inEveryFormat(["opened", "reminder", "resolved"]));
  });

  it("the queue under target (the evergreen library runs out): opened once in each format, not repeated, reminded, resolved once the operator adds evergreen posts", async () => {
    const path = `/under-target-${store}`;
    const clock = movable();
    const post = (id: string, text: string) => ({ id, topic: "databases", format: "single", tweets: [text] });
    const dir = contentDir(["single"], { posts: [post("pg-partial", SINGLES[0]!)] });
    const s = await planSetup(store, { model: null, contentDir: dir }, clock, alertEnv(path));
    const queueIncidents = async () => (await open(s)).filter((k) => k.startsWith("queue:"));
    expect((await s.run({ target: 3 })).summary).toMatchObject({ planned: 1, exhausted: true });
    expect(await queueIncidents()).toEqual(["queue:under_target"]);
    expect((await s.run({ target: 3 })).summary).toMatchObject({ planned: 0, exhausted: true });
    expect(events(path, "queue", "under_target")).toEqual(inEveryFormat(["opened"]));
    clock.advance(HOUR + 60_000);
    await s.run({ target: 3 });
    expect(events(path, "queue", "under_target")).toEqual(inEveryFormat(["opened", "reminder"]));
    // The fix the alert names: more evergreen posts. The next plan fills the target and the incident resolves.
    writeFileSync(
      join(dir, "evergreen.json"),
      JSON.stringify({
        posts: [
          post("pg-partial", SINGLES[0]!),
          post("mig-names", SINGLES[1]!),
          post("pg-explain", "Read EXPLAIN ANALYZE from the inside out: the deepest node runs first, and its row estimate is where a bad plan starts."),
          post("pg-vacuum", "Autovacuum falling behind shows up as bloat long before it shows up as an outage. Watch n_dead_tup per table, not just disk."),
        ],
      }),
    );
    const filled = await s.run({ target: 3 });
    expect(filled.summary, JSON.stringify(filled.summary)).toMatchObject({ pendingBefore: 1, planned: 2, target: 3 });
    expect(filled.summary?.exhausted).toBeUndefined();
    expect(await queueIncidents()).toEqual([]);
    await s.run({ target: 3 });
    expect(events(path, "queue", "under_target")).toEqual(inEveryFormat(["opened", "reminder", "resolved"]));
    // The queue was never empty: one queue incident in all, under_target (Slack bodies carry no subject to tell them apart).
    const queueAll = (await listIncidents(s.deps.clients.sql, "default", new Date(clock.now()))).filter((i) => i.kind === "queue");
    expect(queueAll.map((i) => [i.subject, i.resolvedAt !== null])).toEqual([["under_target", true]]);
  });

  it("no LLM key and a full evergreen library: no incident", async () => {
    const s = await planSetup(store, { model: null, contentDir: contentDir(["single"]) }, DAY);
    expect((await s.run({ target: 2 })).summary).toMatchObject({ planned: 2, degraded: "llm not configured" });
    expect(await open(s)).toEqual([]);
  });
});
