/**
 * Incidents raised by the plan job (AI SDK test models, real Postgres and Redis, a json webhook
 * receiver on 127.0.0.1): the LLM failing, the LLM over budget, and the queue left empty. Each
 * is alerted once, not repeated by the next run, and resolved once when the next plan run is
 * fine. The default without an LLM key raises nothing (it is an info line on the dashboard).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listIncidents } from "../../lib/db/incidents.js";
import { spendKey } from "../../lib/content/budget.js";
import { enqueue } from "../../lib/db/queue.js";
import { apiError, contentDir, planSetup, scriptedModel, singleJson, type PlanSetup } from "../support/job-fixtures.js";
import { availableStores } from "../support/runtime.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const DAY = Date.UTC(2031, 2, 4, 10, 0, 0);
const SINGLES = [
  "Partial indexes keep hot queries fast when most rows are archived: index only the rows you actually query.",
  "Name migrations after the change they make, not the ticket number. Future you will grep for the change.",
];
let receiver: WebhookReceiver;
beforeAll(async () => { receiver = await startWebhookReceiver(); });
afterAll(async () => { await receiver.close(); });

const events = (path: string, kind: string, subject: string) => receiver.received.filter((r) => r.path === path)
  .map((r) => r.body as { event: string; incident: { kind: string; subject: string } }).filter((b) => b.incident.kind === kind && b.incident.subject === subject).map((b) => b.event);
const open = async (s: PlanSetup) => (await listIncidents(s.deps.clients.sql, "default", new Date(DAY))).filter((i) => i.resolvedAt === null).map((i) => `${i.kind}:${i.subject}`).sort();

describe.each(availableStores())("plan incidents on %s", (store) => {
  it("the LLM failing: opened once, not repeated, resolved once the LLM answers", async () => {
    const path = `/llm-failing-${store}`;
    const s = await planSetup(store, { model: scriptedModel([apiError(401), apiError(401), singleJson(SINGLES[0]!)]), contentDir: contentDir(["single"]) }, DAY, { XBOT_ALERT_WEBHOOK_URL: receiver.url + path });
    expect((await s.run({ target: 10, maxPerRun: 1 })).summary).toMatchObject({ degraded: "llm failed: llm_unavailable" });
    expect(await open(s)).toEqual(["llm:failing"]);
    await s.run({ target: 10, maxPerRun: 1 });
    expect(events(path, "llm", "failing")).toEqual(["opened"]);
    const third = await s.run({ target: 10, maxPerRun: 1 });
    expect(third.summary, JSON.stringify(third.summary)).toMatchObject({ llm: 1 });
    expect(third.summary?.degraded).toBeUndefined();
    expect(await open(s)).toEqual([]);
    expect(events(path, "llm", "failing")).toEqual(["opened", "resolved"]);
  });

  it("the LLM over budget: opened once; the queue left empty: opened once, resolved when items are queued", async () => {
    const path = `/budget-${store}`;
    const s = await planSetup(store, { model: scriptedModel(SINGLES.map(singleJson)), contentDir: contentDir(["single"], { posts: [] }) }, DAY, { XBOT_LLM_DAILY_BUDGET_USD: "0.5", XBOT_ALERT_WEBHOOK_URL: receiver.url + path });
    await s.deps.clients.state.incrementCounter(spendKey(DAY), 499_000, 48 * 3_600_000);
    expect((await s.run({ target: 2 })).summary).toMatchObject({ planned: 0, degraded: "llm over budget" });
    expect(await open(s)).toEqual(["llm:budget", "queue:empty"]);
    await s.run({ target: 2 });
    expect(events(path, "llm", "budget")).toEqual(["opened"]);
    expect(events(path, "queue", "empty")).toEqual(["opened"]);
    await enqueue(s.deps.clients.sql, { accountId: "default", kind: "single", tweets: ["queued by hand so the queue is not empty"], source: "manual", dueAt: new Date(DAY + 3_600_000) });
    await s.run({ target: 1 });
    expect(events(path, "queue", "empty")).toEqual(["opened", "resolved"]);
  });

  it("no LLM key and a full evergreen library: no incident", async () => {
    const s = await planSetup(store, { model: null, contentDir: contentDir(["single"]) }, DAY);
    expect((await s.run({ target: 2 })).summary).toMatchObject({ planned: 2, degraded: "llm not configured" });
    expect(await open(s)).toEqual([]);
  });
});
