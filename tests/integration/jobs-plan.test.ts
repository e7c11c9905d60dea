/**
 * The plan job on real Postgres and Redis/Postgres state, through the real runner, without an
 * LLM: the first item of a new account is due at once, the evergreen fallback is visible as
 * `degraded`, an evergreen post waits 30 days before reuse, and the queue never holds the same
 * content twice. The LLM paths are in jobs-plan-llm.test.ts.
 */
import { describe, expect, it } from "vitest";
import { contentHash, listItems } from "../../lib/db/queue.js";
import { hourBucketOf } from "../../lib/content/topics.js";
import type { RunResult } from "../../lib/runtime/runner.js";
import { contentDir, planSetup, scriptedModel, singleJson, type PlanSetup } from "../support/job-fixtures.js";
import { availableStores } from "../support/runtime.js";

const HOUR = 3_600_000;
/** 03:00 UTC: outside the default active hours (08-22). */
const NIGHT = Date.UTC(2031, 2, 4, 3, 0, 0);
/** 10:00 UTC: inside them. */
const DAY = Date.UTC(2031, 2, 4, 10, 0, 0);

const items = (s: PlanSetup) => listItems(s.deps.clients.sql, "default", { limit: 100 });
const summaryOf = (r: RunResult) => r.summary as Record<string, unknown>;

describe.each(availableStores())("plan job without an LLM on %s", (store) => {
  it("empty database: the first item is due now even at night; the rest fall in active hours, spaced apart", async () => {
    const s = await planSetup(store, { model: null }, NIGHT);
    expect((await s.run({ target: 3 })).status).toBe("ok");
    const queued = (await items(s)).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
    expect(queued).toHaveLength(3);
    expect(queued[0]!.dueAt.getTime()).toBe(NIGHT);
    for (const [i, item] of queued.slice(1).entries()) {
      expect(item.dueAt.getUTCHours()).toBeGreaterThanOrEqual(8);
      expect(item.dueAt.getUTCHours()).toBeLessThan(22);
      expect(item.dueAt.getTime() - queued[i]!.dueAt.getTime()).toBeGreaterThanOrEqual(20 * 60_000);
    }
    expect(summaryOf(await s.run({ target: 4 })).planned).toBe(1);
    const fourth = (await items(s)).find((i) => !queued.some((q) => q.id === i.id))!;
    expect(fourth.dueAt.getTime()).toBeGreaterThan(queued[2]!.dueAt.getTime());
  });

  it("without an LLM key it fills the queue from the evergreen library and says why", async () => {
    const s = await planSetup(store, {}, DAY);
    const result = await s.run();
    expect(result.status).toBe("ok");
    expect(summaryOf(result)).toMatchObject({ target: 6, pendingBefore: 0, planned: 6, llm: 0, evergreen: 6, degraded: "llm not configured" });
    const queued = await items(s);
    expect(queued.every((i) => i.source === "evergreen" && i.status === "queued")).toBe(true);
    expect(queued.every((i) => i.armId === `${i.topic}:${i.format}:${hourBucketOf(i.dueAt, 4)}`)).toBe(true);
    expect(summaryOf(await s.run())).toMatchObject({ planned: 0, pendingBefore: 6 });
  });

  it("the queue never holds the same content twice, even with concurrent runs and a repeating model", async () => {
    const s = await planSetup(store, { model: null }, DAY);
    const runs = await Promise.all([1, 2, 3].map(() => s.run({ target: 30, maxPerRun: 30 }, { skipLock: true })));
    expect(runs.every((r) => r.status === "ok")).toBe(true);
    const queued = await items(s);
    expect(queued).toHaveLength(12);
    expect(new Set(queued.map((i) => i.contentHash)).size).toBe(12);
    expect(summaryOf(await s.run({ target: 30, maxPerRun: 30 }))).toMatchObject({ planned: 0, exhausted: true });

    const text = "Name migrations after the change they make, not the ticket number. Future you will grep for the change.";
    const repeat = await planSetup(store, { model: scriptedModel([singleJson(text)]), contentDir: contentDir(["single"]) }, DAY);
    expect(summaryOf(await repeat.run({ target: 2 }))).toMatchObject({ planned: 2, llm: 1, evergreen: 1, rejected: { duplicate: 1 } });
    expect((await items(repeat)).filter((i) => i.tweets.join("\n") === text)).toHaveLength(1);
  });

  it("an evergreen post is reused only after 30 days", async () => {
    const library = {
      posts: [
        { id: "recent-one", topic: "databases", format: "single", tweets: ["Vacuum is not optional: a table that is never vacuumed only ever grows."] },
        { id: "old-one", topic: "databases", format: "single", tweets: ["Transactions are cheaper than the bugs you get from skipping them."] },
      ],
    };
    const s = await planSetup(store, { model: null, contentDir: contentDir(["single"], library) }, DAY);
    for (const [post, daysAgo] of [
      [library.posts[0]!, 10],
      [library.posts[1]!, 40],
    ] as const) {
      const at = new Date(DAY - daysAgo * 24 * HOUR).toISOString();
      await s.deps.clients.sql.query("INSERT INTO content_items (kind, status, tweets, content_hash, source, due_at, posted_at) VALUES ('single', 'posted', $1::jsonb, $2, 'evergreen', $3, $3)", [
        JSON.stringify(post.tweets),
        contentHash(post.tweets),
        at,
      ]);
    }
    expect(summaryOf(await s.run({ target: 2 }))).toMatchObject({ planned: 1, evergreen: 1, exhausted: true });
    expect((await items(s)).filter((i) => i.status === "queued").map((i) => i.tweets[0])).toEqual([library.posts[1]!.tweets[0]]);
  });
});
