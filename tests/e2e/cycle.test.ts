/**
 * One full cycle on the sandbox X site with real bundled Chromium, real Postgres and real
 * state, the AI SDK test model and a TestClock kept in step with the sandbox's clock:
 *   plan (LLM items with arm ids) -> post (one; the GraphQL tweet id is in the receipt)
 *   -> 25 h later metrics (a 24 h snapshot equal to the sandbox's numbers)
 *   -> learn (the post scored once, its arm pulled once) -> learn again (nothing changes).
 * The plan is the bundled one (content/topics.json) with the default settings.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hourBucketOf, loadTopics } from "../../lib/content/topics.js";
import { createSandbox, type Sandbox, type SandboxPost } from "../../lib/dev/sandbox/index.js";
import { learn } from "../../lib/jobs/learn.js";
import { metrics } from "../../lib/jobs/metrics.js";
import { planJob } from "../../lib/jobs/plan.js";
import { plannedGapMs, planSettings } from "../../lib/jobs/planning/settings.js";
import { post } from "../../lib/jobs/post.js";
import { loadArms } from "../../lib/db/arms.js";
import type { Arm } from "../../lib/learn/bandit.js";
import { scorePost } from "../../lib/learn/reward.js";
import type { BrowserOpener } from "../../lib/jobs/context.js";
import { runJob, type RunResult, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { botRuntime, sandboxOpener, TestClock } from "../support/bot.js";
import { services } from "../support/env.js";
import { isProcessAlive as alive } from "../support/services.js";
import { isSafetyCall, seeded } from "../support/job-fixtures.js";
import { topicModel } from "../support/topic-model.js";

const HOUR = 3_600_000;
/** A Tuesday, 10:00 UTC: inside the default active hours (08-22 UTC). */
const T0 = Date.UTC(2031, 4, 13, 10, 0, 0);
const ACCOUNT = "default";

let sb: Sandbox;
let deps: RuntimeDeps;
const clock = new TestClock();
const model = topicModel(seeded(5));
const pids: number[] = [];

/** Moves the runtime's clock and sets the sandbox's to the same instant. */
function advance(ms: number): number {
  clock.advance(ms);
  const now = clock.now();
  sb.setNow(now);
  return now;
}

const run = (job: string): Promise<RunResult> => runJob(deps, { job, trigger: "manual" });
const sql = () => deps.clients.sql;
const ours = (): SandboxPost[] => sb.posts().filter((p) => p.author === sb.user && p.createdAtMs >= T0 - HOUR);

interface ItemRow {
  id: string;
  status: string;
  kind: string;
  source: string;
  topic: string;
  format: string;
  hourBucket: number;
  armId: string | null;
  tweets: string[];
  dueAt: Date;
  tweetId: string | null;
}

const itemRows = () =>
  sql().query<ItemRow>(
    `SELECT id::text, status, kind, source, topic, format, hour_bucket AS "hourBucket", arm_id AS "armId", tweets, due_at AS "dueAt", tweet_id AS "tweetId"
   FROM content_items ORDER BY due_at, id`,
  );

const armRows = async (): Promise<Arm[]> => loadArms(sql(), ACCOUNT);

describe.skipIf(!services().postgres)("one cycle: plan -> post -> metrics -> learn on the sandbox", () => {
  /** State carried from step to step. */
  const cycle: { itemId?: string; tweetId?: string; armId?: string; postedAt?: number; reward?: number; arms?: Arm[] } = {};

  beforeAll(async () => {
    sb = await createSandbox();
    clock.advance(T0 - clock.now());
    sb.setNow(clock.now());
    const base = sandboxOpener(sb);
    const opener: BrowserOpener = async (args) => {
      const session = await base(args);
      const pid = session.process()?.pid;
      if (pid !== undefined) pids.push(pid);
      return session;
    };
    const rt = await botRuntime("postgres", sb, { jobs: [planJob({ model, random: seeded(3) }), post, metrics, learn], clock, opener });
    deps = await rt.factory();
  });

  afterAll(async () => {
    await sb?.close();
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(alive)).toEqual([]);
  });

  it("plan enqueues LLM items on the bundled topics, each with its arm; the first is due at once", { timeout: 60_000 }, async () => {
    const now = advance(0);
    const result = await run("plan");
    expect(result).toMatchObject({ status: "ok", summary: { target: 6, pendingBefore: 0, planned: 6, llm: 6, evergreen: 0 } });
    expect(model.doGenerateCalls.filter((c) => !isSafetyCall(c))).toHaveLength(6);
    expect(model.doGenerateCalls.filter(isSafetyCall)).toHaveLength(6); // the LLM safety check ran on each generated post
    const plan = await loadTopics("content/topics.json");
    const items = await itemRows();
    expect(items).toHaveLength(6);
    for (const item of items) {
      expect(item).toMatchObject({ status: "queued", source: "llm", kind: item.format });
      expect(plan.topics.map((t) => t.id)).toContain(item.topic);
      expect(item.hourBucket).toBe(hourBucketOf(new Date(item.dueAt), plan.bucketHours));
      expect(item.armId).toBe(`${item.topic}:${item.format}:${item.hourBucket}`);
      expect(item.tweets.every((t) => new RegExp(`\\b${item.topic}\\b`).test(t))).toBe(true);
      const hour = new Date(item.dueAt).getUTCHours();
      if (item !== items[0]) expect(hour >= 8 && hour < 22).toBe(true);
    }
    // The first is due at once (the account never had an item), the others a planned gap apart.
    const dues = items.map((i) => new Date(i.dueAt).getTime());
    expect(dues[0]).toBeGreaterThanOrEqual(now);
    expect(dues[0]).toBeLessThanOrEqual(clock.now());
    const gap = plannedGapMs(planSettings());
    for (const [i, d] of dues.slice(1).entries()) expect(d - dues[i]!).toBeGreaterThanOrEqual(gap);
    // Every arm of the plan exists, untouched.
    const arms = await armRows();
    // Only hour buckets that overlap the default active hours (08-22 UTC) can be played: 8, 12, 16, 20.
    const playable = plan.hourBuckets.filter((b) => b + plan.bucketHours > 8 && b < 22);
    expect(playable).toEqual([8, 12, 16, 20]);
    expect(arms).toHaveLength(plan.topics.length * plan.formats.length * playable.length);
    expect(new Set(arms.map((a) => a.hourBucket))).toEqual(new Set(playable));
    expect(arms.every((a) => a.pulls === 0 && a.alpha === 1 && a.beta === 1)).toBe(true);
    expect(ours()).toEqual([]);
  });

  it("post posts exactly the due item; the tweet id from GraphQL is in the receipt", { timeout: 120_000 }, async () => {
    advance(60_000);
    const [due] = await itemRows();
    const result = await run("post");
    expect(result).toMatchObject({ status: "ok", summary: { posted: 1, result: "posted", itemId: due!.id, source: "graphql" } });
    const tweetIds = (result.summary as { tweetIds: string[] }).tweetIds;
    expect(tweetIds).toHaveLength(due!.tweets.length);

    // On the sandbox: the item's tweets, in order, as one single or one self-thread.
    const onX = ours();
    expect(onX.map((p) => p.text)).toEqual(due!.tweets);
    expect(onX.map((p) => p.id)).toEqual(tweetIds);
    expect(onX[0]!.inReplyTo).toBeNull();
    for (const [i, p] of onX.slice(1).entries()) expect(p.inReplyTo).toBe(onX[i]!.id);

    // In the database: item posted with the root id, one receipt row per tweet, the attempt succeeded.
    const items = await itemRows();
    expect(items.find((i) => i.id === due!.id)).toMatchObject({ status: "posted", tweetId: tweetIds[0] });
    expect(items.filter((i) => i.status === "queued")).toHaveLength(5);
    const receipts = await sql().query<{ tweetId: string; itemId: string; position: number; text: string; origin: string; postedAt: Date; scoredAt: Date | null }>(
      `SELECT tweet_id AS "tweetId", item_id::text AS "itemId", position, text, origin, posted_at AS "postedAt", scored_at AS "scoredAt" FROM posts ORDER BY position`,
    );
    expect(receipts.map((r) => [r.tweetId, r.itemId, r.position, r.text, r.origin])).toEqual(tweetIds.map((id, i) => [id, due!.id, i, due!.tweets[i], "bot"]));
    expect(receipts.every((r) => r.scoredAt === null)).toBe(true);
    const attempts = await sql().query<{ status: string; tweetIds: string[] }>(`SELECT status, tweet_ids AS "tweetIds" FROM post_attempts`);
    expect(attempts).toEqual([{ status: "succeeded", tweetIds }]);

    cycle.itemId = due!.id;
    cycle.tweetId = tweetIds[0]!;
    cycle.armId = due!.armId!;
    cycle.postedAt = new Date(receipts[0]!.postedAt).getTime();
    expect(Math.abs(cycle.postedAt - onX[0]!.createdAtMs)).toBeLessThan(60_000);
  });

  it("25 h later metrics takes a 24 h snapshot equal to the sandbox's numbers for that tweet", { timeout: 120_000 }, async () => {
    expect(cycle.tweetId).toBeDefined();
    const now = advance(25 * HOUR);
    const result = await run("metrics");
    expect(result).toMatchObject({ status: "ok", summary: { due: 1, saved: 1, deleted: 0, failed: 0 } });
    const live = sb.posts().find((p) => p.id === cycle.tweetId)!;
    expect(live.metrics.likes).toBeGreaterThan(0);
    const snaps = await sql().query<{ tweetId: string; bucket: string; likes: number; replies: number; reposts: number; bookmarks: number; views: number; takenAt: Date }>(
      `SELECT tweet_id AS "tweetId", age_bucket AS bucket, likes, replies, reposts, bookmarks, views, taken_at AS "takenAt" FROM metric_snapshots`,
    );
    expect(snaps).toHaveLength(1);
    const { takenAt, ...snap } = snaps[0]!;
    expect(snap).toEqual({ tweetId: cycle.tweetId, bucket: "24h", ...live.metrics });
    expect(new Date(takenAt).getTime()).toBeGreaterThanOrEqual(now);
    expect(new Date(takenAt).getTime() - cycle.postedAt!).toBeGreaterThanOrEqual(24 * HOUR);
    // Nothing else is due: a second run reads nothing.
    expect(await run("metrics")).toMatchObject({ status: "ok", summary: { due: 0, saved: 0 } });
  });

  it("learn scores the post once and moves its arm: pulls 1, alpha and beta by the reward", { timeout: 60_000 }, async () => {
    expect(cycle.armId).toBeDefined();
    advance(60_000);
    const before = await armRows();
    const result = await run("learn");
    expect(result).toMatchObject({ status: "ok", summary: { scored: 1, armsUpdated: 1, withoutArm: 0, alreadyScored: 0, totalPulls: 1 } });
    const m = sb.posts().find((p) => p.id === cycle.tweetId)!.metrics;
    const expected = scorePost({ ...m, followerDelta: 0 });
    expect(expected.reward01).toBeGreaterThan(0);

    const after = await armRows();
    const arm = after.find((a) => a.armId === cycle.armId)!;
    expect(arm.pulls).toBe(1);
    expect(arm.alpha).toBeCloseTo(1 + expected.reward01, 10);
    expect(arm.beta).toBeCloseTo(2 - expected.reward01, 10);
    expect(arm.rewardSum).toBeCloseTo(expected.reward01, 10);
    // Every other arm is untouched.
    expect(after.filter((a) => a.armId !== cycle.armId)).toEqual(before.filter((a) => a.armId !== cycle.armId));

    const rows = await sql().query<{ position: number; reward: number | null; rewardRaw: number | null; scoredAt: Date | null; scoredArmId: string | null }>(
      `SELECT position, reward, reward_raw AS "rewardRaw", scored_at AS "scoredAt", scored_arm_id AS "scoredArmId" FROM posts ORDER BY position`,
    );
    expect(rows[0]!.reward).toBeCloseTo(expected.reward01, 10);
    expect(rows[0]!.rewardRaw).toBeCloseTo(expected.raw, 10);
    expect(rows[0]).toMatchObject({ scoredArmId: cycle.armId });
    expect(rows[0]!.scoredAt).not.toBeNull();
    // Only the first tweet of a thread is scored.
    expect(rows.slice(1).every((r) => r.scoredAt === null && r.reward === null)).toBe(true);
    cycle.reward = expected.reward01;
    cycle.arms = after;
  });

  it("a second learn changes nothing", { timeout: 60_000 }, async () => {
    expect(cycle.arms).toBeDefined();
    const postsBefore = await sql().query(`SELECT * FROM posts ORDER BY id`);
    advance(2 * HOUR);
    const result = await run("learn");
    expect(result).toMatchObject({ status: "ok", summary: { scored: 0, armsUpdated: 0, alreadyScored: 0, totalPulls: 1 } });
    expect(await armRows()).toEqual(cycle.arms);
    expect(await sql().query(`SELECT * FROM posts ORDER BY id`)).toEqual(postsBefore);
    expect(await sql().query(`SELECT count(*)::int AS n FROM metric_snapshots`)).toEqual([{ n: 1 }]);
  });
});
