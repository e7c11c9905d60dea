/**
 * A simulated day with three accounts: the post job's cron ticks every 10 minutes of a
 * simulated clock for 24 hours, each fanned out (in the function, no QStash) to the three
 * accounts. Each account has its own sandbox user and session and its own caps (accounts
 * settings): every item is posted exactly once, on that account's timeline only, within that
 * account's caps; what the caps hold back stays queued. Real Postgres and Redis, real Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../lib/dev/sandbox/index.js";
import { enqueue, queueCounts } from "../../lib/db/queue.js";
import { recentRuns, TIME_BUDGET_REASON } from "../../lib/db/runs.js";
import { post } from "../../lib/jobs/post.js";
import { jobRoute } from "../../lib/runtime/http/job-route.js";
import { services } from "../support/env.js";
import { TestClock } from "../support/bot.js";
import { TEST_SECRETS } from "../support/runtime.js";
import { accountSandboxes, accountsRuntime } from "../support/accounts.js";

const IDS = ["a", "b", "c"] as const;
const CAPS = {
  a: { postsPerHour: 1, minGapMinutes: 60 },
  b: { postsPerHour: 2, minGapMinutes: 20 },
  c: { postsPerHour: 2, minGapMinutes: 20, ramp: [2] },
} as const;
const ITEMS = 4;
const HOUR = 3_600_000;
let sandboxes: Record<string, Sandbox>;
beforeAll(async () => {
  sandboxes = await accountSandboxes(IDS);
});
afterAll(async () => {
  for (const s of Object.values(sandboxes ?? {})) await s.close();
});

describe.skipIf(!services().postgres || !services().redis)("a simulated day with three accounts", () => {
  it("posts each account's items exactly once, on its own timeline, within its own caps", async () => {
    const clock = new TestClock();
    const rt = await accountsRuntime(sandboxes, { jobs: [post], clock, settings: Object.fromEntries(IDS.map((id) => [id, { caps: CAPS[id] }])) });
    const deps = await rt.factory();
    const texts: Record<string, string[]> = {};
    for (const id of IDS)
      for (let i = 0; i < ITEMS; i++) {
        const text = `day ${id} item ${i} ${Math.random().toString(36).slice(2, 8)}`;
        texts[id] = [...(texts[id] ?? []), text];
        await enqueue(deps.clients.sql, { accountId: id, kind: "single", tweets: [text], source: "manual", dueAt: new Date(clock.now() - 60_000) });
      }
    const route = jobRoute("post", rt.factory);
    const start = clock.now();
    for (let t = 0; t < 24 * 6; t++) {
      const response = await route.GET(new Request("http://xbot.test/api/jobs/post", { headers: { authorization: `Bearer ${TEST_SECRETS.cron}` } }));
      expect(response.status).toBe(200);
      clock.advance(10 * 60_000);
    }

    const rows = (await deps.clients.sql.query('SELECT account_id AS "accountId", text, posted_at AS "postedAt" FROM posts WHERE origin = \'bot\' ORDER BY posted_at')) as {
      accountId: string;
      text: string;
      postedAt: Date;
    }[];
    const expected = { a: ITEMS, b: ITEMS, c: 2 };
    for (const id of IDS) {
      const mine = rows.filter((r) => r.accountId === id);
      const at = mine.map((r) => new Date(r.postedAt).getTime());
      expect(mine).toHaveLength(expected[id]);
      expect(new Set(mine.map((r) => r.text)).size).toBe(mine.length); // exactly once
      expect(mine.every((r) => texts[id]!.includes(r.text))).toBe(true); // its own items only
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(CAPS[id].minGapMinutes * 60_000);
      for (const t of at) expect(at.filter((u) => u > t - HOUR && u <= t).length).toBeLessThanOrEqual(CAPS[id].postsPerHour);
      expect(at.every((t) => t >= start && t < start + 24 * HOUR)).toBe(true);
      // On its own sandbox timeline, and nowhere else.
      const own = sandboxes[id]!.posts().filter((p) => !p.deleted && p.text.startsWith("day "));
      expect(own.map((p) => [p.author, p.text]).sort()).toEqual(mine.map((r) => [`acct_${id}`, r.text]).sort());
      expect(await queueCounts(deps.clients.sql, id)).toMatchObject({ queued: ITEMS - expected[id], posting: 0, posted: expected[id] });
    }
    // One run per account per tick; none was cut for time.
    const runs = await recentRuns(deps.clients.sql, { job: "post", limit: 1000 });
    for (const id of IDS) expect(runs.filter((r) => r.accountId === id)).toHaveLength(24 * 6);
    expect(runs.filter((r) => r.reason === TIME_BUDGET_REASON)).toEqual([]);
  }, 600_000);
});
