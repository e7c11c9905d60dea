/**
 * Follower attribution and the learn job on real Postgres: delta windows and their
 * tolerance, exactly-once scoring under concurrency, and posts without an arm.
 */
import { describe, expect, it } from "vitest";
import { followerDeltas, insertFollowerSnapshot } from "../../lib/db/followers.js";
import { learn } from "../../lib/jobs/learn.js";
import { metrics } from "../../lib/jobs/metrics.js";
import { ensureArms, loadArms, saveArmUpdateOnce } from "../../lib/db/arms.js";
import { insertPosts, scrapeSetup } from "../support/job-fixtures.js";
import { services } from "../support/env.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2031, 6, 1, 12, 0, 0);

describe.skipIf(!services().postgres)("follower attribution and exactly-once scoring", () => {
  it("follower deltas: nearest snapshot after each window minus the last one before the post; null when missing or too far", async () => {
    const s = await scrapeSetup([learn, metrics], T0);
    const sql = s.deps.clients.sql;
    const posted = new Date(T0);
    expect(await followerDeltas(sql, "default", posted)).toEqual({ "2h": null, "24h": null, "48h": null });
    for (const [offsetH, n] of [
      [-1, 100],
      [1, 101],
      [2.5, 104],
      [3, 200],
      [25, 130],
      [60, 170],
    ] as const) {
      await insertFollowerSnapshot(sql, "default", n, new Date(T0 + offsetH * HOUR));
    }
    expect(await followerDeltas(sql, "default", posted)).toEqual({ "2h": 4, "24h": 30, "48h": 70 });
    expect(await followerDeltas(sql, "default", new Date(T0 - 6 * HOUR))).toEqual({ "2h": null, "24h": null, "48h": null });
  });

  it("ten concurrent scorings of one post move its arm once", async () => {
    const s = await scrapeSetup([learn, metrics], T0);
    const sql = s.deps.clients.sql;
    await ensureArms(sql, "default", ["t"], ["single"], [12]);
    const [id] = await insertPosts(s, 1, 30 * HOUR);
    const [post] = await sql.query<{ id: string }>("SELECT id::text FROM posts WHERE tweet_id = $1", [id]);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => saveArmUpdateOnce(sql, "default", { postId: post!.id, armId: "t:single:12", reward01: 0.4, raw: 0.33, scoredAt: new Date(T0) })),
    );
    expect(results.filter((r) => r.marked && r.updated)).toHaveLength(1);
    expect(results.filter((r) => r.marked)).toHaveLength(1);
    const [arm] = await loadArms(sql, "default");
    expect(arm).toMatchObject({ pulls: 1, alpha: 1.4, beta: 1.6, rewardSum: 0.4 });
  });

  it("learn scores a post without an item (no arm) once, waits for the 24 h snapshot, and runs only after metrics", async () => {
    const s = await scrapeSetup([learn, metrics], T0);
    const sql = s.deps.clients.sql;
    const [a, b] = await insertPosts(s, 2, 30 * HOUR);
    await sql.query("INSERT INTO metric_snapshots (tweet_id, age_bucket, likes, replies, reposts, bookmarks, views) VALUES ($1, '24h', 4, 1, 0, 0, 400), ($2, '1h', 1, 0, 0, 0, 50)", [a, b]);
    expect(await s.run("learn")).toMatchObject({ status: "skipped", reason: "dependency_unhealthy:metrics" });
    expect(await s.run("metrics")).toMatchObject({ status: "ok", summary: { due: 1, failed: 1 } });
    expect(await s.run("learn")).toMatchObject({ status: "ok", summary: { scored: 1, armsUpdated: 0, withoutArm: 1 } });
    const rows = await sql.query<{ reward: number | null }>("SELECT reward FROM posts ORDER BY tweet_id");
    const raw = (0.5 * 4 + 1.5 * 1) / Math.sqrt(400);
    expect(rows[0]!.reward).toBeCloseTo(raw / (raw + 0.5), 10);
    expect(rows[1]!.reward).toBeNull();
    expect(await s.run("learn")).toMatchObject({ status: "ok", summary: { scored: 0 } });
  });
});
