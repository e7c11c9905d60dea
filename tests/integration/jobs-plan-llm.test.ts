/**
 * The plan job with the AI SDK test model, on real Postgres and Redis/Postgres state: structured
 * output (single and thread) is enqueued with source "llm" and its arm and spend is counted; an
 * API error or an exhausted budget degrades to the evergreen library (warned, in the summary)
 * and failures count against the `llm` breaker; the gates reject a near-duplicate and a banned phrase.
 */
import { describe, expect, it } from "vitest";
import { listItems } from "../../lib/db/queue.js";
import { hourBucketOf } from "../../lib/content/topics.js";
import { spendKey } from "../../lib/content/budget.js";
import type { RunResult } from "../../lib/runtime/runner.js";
import { apiError, contentDir, generationCalls, isSafetyCall, planSetup, scriptedModel, singleJson, type PlanSetup } from "../support/job-fixtures.js";
import { availableStores } from "../support/runtime.js";

const HOUR = 3_600_000;
const DAY = Date.UTC(2031, 2, 4, 10, 0, 0);
const SINGLES = [
  "Partial indexes keep hot queries fast when most rows are archived: index only the rows you actually query.",
  "Name migrations after the change they make, not the ticket number. Future you will grep for the change.",
];
const THREAD = [
  "Idempotency keys turn a scary retry into a boring one: the server remembers what it already did.",
  "Store the key with the result in the same transaction, so a crash cannot separate them.",
  "Expire keys after the longest retry window your clients use, not after an arbitrary day.",
];

const items = (s: PlanSetup) => listItems(s.deps.clients.sql, "default", { limit: 100 });
const summaryOf = (r: RunResult) => r.summary as Record<string, unknown>;
const warned = (s: PlanSetup, text: string) => s.logs.some((l) => l.includes('"level":"warn"') && l.includes(text));

describe.each(availableStores())("plan job with an LLM on %s", (store) => {
  it("single: structured output is enqueued with source llm and its arm; spend is counted", async () => {
    const model = scriptedModel(SINGLES.map(singleJson));
    const s = await planSetup(store, { model, contentDir: contentDir(["single"]) }, DAY);
    const summary = summaryOf(await s.run({ target: 2 }));
    expect(summary).toMatchObject({ planned: 2, llm: 2, evergreen: 0 });
    expect(summary.degraded).toBeUndefined();
    const queued = await items(s);
    expect(queued.map((i) => i.tweets[0]).sort()).toEqual([...SINGLES].sort());
    for (const item of queued) {
      expect(item).toMatchObject({ source: "llm", kind: "single", topic: "databases", format: "single" });
      expect(item.armId).toBe(`databases:single:${hourBucketOf(item.dueAt, 4)}`);
    }
    expect(generationCalls(model)).toHaveLength(2);
    expect(model.doGenerateCalls.filter(isSafetyCall)).toHaveLength(2); // one safety check per generated post
    expect(await s.deps.clients.state.readCounter(spendKey(DAY))).toBe(4 * 1275); // two generations and two safety checks
    expect(await s.deps.clients.state.readBreaker("llm")).toMatchObject({ state: "closed", failures: 0 });
  });

  it("thread: the tweets are enqueued as one thread item", async () => {
    const s = await planSetup(store, { model: scriptedModel([JSON.stringify({ tweets: THREAD })]), contentDir: contentDir(["thread"]) }, DAY);
    expect(summaryOf(await s.run({ target: 1 }))).toMatchObject({ planned: 1, llm: 1 });
    const [item] = await items(s);
    expect(item).toMatchObject({ kind: "thread", source: "llm", format: "thread", tweets: THREAD });
    expect(item!.armId).toMatch(/^databases:thread:\d+$/);
  });

  it("an API error degrades to evergreen, warns, and counts one llm breaker failure per run until it opens", async () => {
    const model = scriptedModel([apiError(401)]);
    const s = await planSetup(store, { model }, DAY);
    expect(summaryOf(await s.run({ target: 10, maxPerRun: 2 }))).toMatchObject({ planned: 2, llm: 0, evergreen: 2, degraded: "llm failed: llm_unavailable" });
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(await s.deps.clients.state.readBreaker("llm")).toMatchObject({ state: "closed", failures: 1 });
    expect(warned(s, "plan degraded to the evergreen library")).toBe(true);
    await s.run({ target: 10, maxPerRun: 1 });
    await s.run({ target: 10, maxPerRun: 1 });
    expect(await s.deps.clients.state.readBreaker("llm")).toMatchObject({ state: "open" });
    const fourth = await s.run({ target: 10, maxPerRun: 1 });
    expect(fourth.status).toBe("ok");
    expect(summaryOf(fourth)).toMatchObject({ evergreen: 1, degraded: "llm breaker open" });
    expect(model.doGenerateCalls).toHaveLength(3);
  });

  it("over the daily budget: no LLM call, evergreen, degraded", async () => {
    const model = scriptedModel(SINGLES.map(singleJson));
    const s = await planSetup(store, { model }, DAY, { XBOT_LLM_DAILY_BUDGET_USD: "0.5" });
    await s.deps.clients.state.incrementCounter(spendKey(DAY), 499_000, 48 * HOUR);
    expect(summaryOf(await s.run({ target: 2 }))).toMatchObject({ planned: 2, llm: 0, evergreen: 2, degraded: "llm over budget" });
    expect(model.doGenerateCalls).toHaveLength(0);
    expect(warned(s, "llm over budget")).toBe(true);
  });

  it("the gates reject a near-duplicate of a recent post and a banned phrase; the library fills in", async () => {
    const model = scriptedModel([
      singleJson(SINGLES[0]!.replace("fast", "quick").toUpperCase()),
      singleJson("Let us delve into why connection pools exist and when a serverless function should skip them."),
    ]);
    const s = await planSetup(store, { model, contentDir: contentDir(["single"]) }, DAY);
    await s.deps.clients.sql.query("INSERT INTO posts (tweet_id, kind, text, posted_at) VALUES ('1000000000000000001', 'single', $1, $2)", [SINGLES[0], new Date(DAY - 5 * HOUR).toISOString()]);
    expect(summaryOf(await s.run({ target: 1 }))).toMatchObject({ planned: 1, llm: 0, evergreen: 1, rejected: { duplicate: 1 } });
    expect(summaryOf(await s.run({ target: 2 }))).toMatchObject({ planned: 1, llm: 0, evergreen: 1, rejected: { banned: 1 } });
    expect((await items(s)).every((i) => i.source === "evergreen")).toBe(true);
  });
});
