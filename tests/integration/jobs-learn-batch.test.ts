/**
 * learn in O(1) round trips: 60 posts to score cost the same handful of requests at the Neon
 * HTTP shim as 6 do (state is on Redis, so every request counted there is the job's own
 * database work plus the run's job_runs row), and the arms move exactly as one-by-one scoring would.
 */
import { describe, expect, it } from "vitest";
import { learn } from "../../lib/jobs/learn.js";
import { metrics } from "../../lib/jobs/metrics.js";
import { ensureArms, loadArms } from "../../lib/db/arms.js";
import { scorePost } from "../../lib/learn/reward.js";
import { reviewAfterRun } from "../../lib/runtime/incidents.js";
import { runJob } from "../../lib/runtime/runner.js";
import { services } from "../support/env.js";
import { shimRoundTrips } from "../support/history-seed.js";
import { scriptedBrowser } from "../support/job-fixtures.js";
import { testRuntime } from "../support/runtime.js";

const T0 = Date.UTC(2031, 8, 1, 12, 0, 0);

async function setup(posts: number) {
  const rt = await testRuntime("redis", { jobs: [learn, metrics], clock: { now: () => T0 }, openBrowser: scriptedBrowser(() => "page_timeout", { n: 0, opened: 0 }) });
  const deps = await rt.factory();
  const sql = deps.clients.sql;
  await ensureArms(sql, "default", ["a", "b"], ["single"], [12]);
  await sql.query(
    `WITH items AS (
       INSERT INTO content_items (account_id, kind, status, tweets, content_hash, arm_id, due_at, posted_at)
       SELECT 'default', 'single', 'posted', jsonb_build_array('post ' || g), md5(g::text), CASE WHEN g % 2 = 0 THEN 'a:single:12' ELSE 'b:single:12' END,
         $2::timestamptz - (30 + g) * interval '1 hour', $2::timestamptz - (30 + g) * interval '1 hour'
       FROM generate_series(1, $1::int) g RETURNING id, posted_at)
     INSERT INTO posts (tweet_id, item_id, kind, text, posted_at) SELECT (1000000000000 + id)::text, id, 'single', 'post ' || id, posted_at FROM items`,
    [posts, new Date(T0).toISOString()],
  );
  await sql.query(
    `INSERT INTO metric_snapshots (tweet_id, age_bucket, likes, replies, reposts, bookmarks, views)
     SELECT tweet_id, '24h', id % 7, id % 3, id % 2, 0, 100 + id FROM posts`,
  );
  // Followers every 2 h over the whole span, so every post has a measurable 24 h delta.
  await sql.query("INSERT INTO follower_snapshots (followers, taken_at) SELECT 500 + g * 3, $1::timestamptz - g * interval '2 hours' FROM generate_series(0, 60) g", [new Date(T0).toISOString()]);
  const count = () => shimRoundTrips(services().postgres!.neonHttpUrl, rt.env.DATABASE_URL!);
  const run = (job: string) => runJob(deps, { job, trigger: "manual" });
  // The runner reviews incidents after every run (lib/runtime/incidents.ts): runner work, not learn's.
  const reviewTrips = async () => {
    const before = await count();
    await reviewAfterRun(deps, "review-baseline");
    return (await count()) - before;
  };
  return { sql, count, run, reviewTrips };
}

describe.skipIf(!services().postgres || !services().redis)("learn batches its database work", () => {
  it("scores 60 posts in at most 5 round trips, the same number as 6 posts, and moves each arm by the sum of its rewards", async () => {
    const trips: number[] = [];
    for (const n of [6, 60]) {
      const s = await setup(n);
      expect(await s.run("metrics")).toMatchObject({ status: "ok" });
      const before = await s.count();
      const result = await s.run("learn");
      const total = (await s.count()) - before;
      trips.push(total - (await s.reviewTrips()));
      expect(result).toMatchObject({ status: "ok", summary: { scored: n, armsUpdated: n, withFollowerDelta: n, alreadyScored: 0 } });
      const rows = await s.sql.query<{ likes: number; replies: number; reposts: number; bookmarks: number; views: number; arm: string; reward: number }>(
        `SELECT s.likes, s.replies, s.reposts, s.bookmarks, s.views, i.arm_id AS arm, p.reward FROM posts p
         JOIN metric_snapshots s ON s.tweet_id = p.tweet_id JOIN content_items i ON i.id = p.item_id`,
      );
      const sums: Record<string, number> = {};
      for (const r of rows) {
        // Followers grow 3 per 2 h going back in time, so 24 h later there are 36 fewer.
        const expected = scorePost({ ...r, followerDelta: -36 }).reward01;
        expect(r.reward).toBeCloseTo(expected, 10);
        sums[r.arm] = (sums[r.arm] ?? 0) + expected;
      }
      const arms = await loadArms(s.sql, "default");
      for (const arm of arms) {
        expect(arm.pulls).toBe(n / 2);
        expect(arm.alpha).toBeCloseTo(1 + sums[arm.armId]!, 9);
        expect(arm.beta).toBeCloseTo(1 + n / 2 - sums[arm.armId]!, 9);
      }
      expect(await s.run("learn")).toMatchObject({ status: "ok", summary: { scored: 0 } });
    }
    console.error(`[learn round trips] 6 posts: ${trips[0]}, 60 posts: ${trips[1]}`);
    expect(trips[1]).toBeLessThanOrEqual(5);
    expect(trips[1]).toBe(trips[0]);
  }, 120_000);
});
