/**
 * Learning, end to end: the REAL plan -> post -> metrics -> learn jobs on a simulated clock
 * against the sandbox X site (real bundled Chromium for every post and every metrics read,
 * real Postgres, real state), with the sandbox's hidden engagement model deciding the reward.
 *
 * Setup (see tests/support/topic-model.ts):
 * - arms: 3 topics (typescript, serverless, databases) x 2 formats (single, thread) x 3 hour
 *   buckets of 8 h (0, 8, 16 UTC) = 18 arms; active hours all day, so every bucket is
 *   reachable; plan chooses with chooseArmFactored (6 content slots x 3 hours), as deployed.
 * - the LLM is the AI SDK test model: it writes the prompt's topic id as a word in every tweet.
 * - the hidden model recognises those ids as keywords: typescript (rate 400) >> databases (25)
 *   > serverless (8), hour bucket 16 (x1) >> 8 (x0.2) > 0 (x0.08), thread x0.25 (but a
 *   thread's first tweet earns its self-reply). Best arm: typescript:single:16.
 * - pace: plan keeps 4 items queued (48 a day planned, 30 min apart); the clock jumps to the
 *   next due item and post runs until nothing is due; every 12 simulated hours metrics takes
 *   the snapshots that are due (1 h, 24 h, 7 d) and learn scores the posts whose 24 h one is in.
 *   After the last post the clock moves 25 h on so that every post is scored.
 * - baseline: the expected reward per post of a uniformly random arm ON THE SAME HIDDEN MODEL
 *   (armExpectations: the sandbox's own computeMetrics at the 24 h snapshot age, scored by
 *   the learn job's scorePost, averaged over the model's noise and the bucket's hours),
 *   times the number of posts scored. A second run with a uniform chooser would double the
 *   wall time and only estimate the same number with noise.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { learn } from "../../lib/jobs/learn.js";
import { metrics } from "../../lib/jobs/metrics.js";
import { planJob } from "../../lib/jobs/plan.js";
import { post } from "../../lib/jobs/post.js";
import type { BrowserOpener } from "../../lib/runtime/context.js";
import { runJob, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { NO_CAPS, registerSandboxSecrets, sandboxOpener } from "../support/bot.js";
import { services } from "../support/env.js";
import { seeded } from "../support/job-fixtures.js";
import { testRuntime } from "../support/runtime.js";
import { armExpectations, learningEngagement, LEARNING_TOPICS, planContentDir, topicModel } from "../support/topic-model.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2031, 4, 12, 0, 0, 0);
/** Posts to make (the issue: at least 200). */
const POSTS = 200;
const METRICS_EVERY_MS = 12 * HOUR;
const BEST_ARM = "typescript:single:16";

let sb: Sandbox;
let deps: RuntimeDeps;
let now = T0;
const model = topicModel(seeded(11));
/** Pids of the browsers the runs launched; none may survive. */
const pids: number[] = [];
/** Wall time per job, browser launches. */
const wall = { plan: 0, post: 0, metrics: 0, learn: 0, launches: 0 };

function setNow(ms: number): void {
  now = ms;
  sb.setNow(ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs a job (manual trigger); anything but "ok" fails the test. */
async function ok(job: "plan" | "post" | "metrics" | "learn", skipLock = false): Promise<Record<string, unknown>> {
  const start = performance.now();
  const result = await runJob(deps, { job, trigger: "manual", skipLock });
  wall[job] += performance.now() - start;
  if (result.status !== "ok") throw new Error(`${job} did not run: ${JSON.stringify(result)}`);
  return (result.summary ?? {}) as Record<string, unknown>;
}

const sql = () => deps.clients.sql;

async function nextDue(): Promise<number | null> {
  const [row] = await sql().query<{ due: Date | null }>("SELECT min(due_at) AS due FROM content_items WHERE status = 'queued'");
  return row?.due ? new Date(row.due).getTime() : null;
}

/** Metrics until nothing due is left unread (a run reads at most 40), then learn. */
async function metricsThenLearn(): Promise<{ reads: number; scored: number }> {
  let reads = 0;
  for (;;) {
    const m = await ok("metrics");
    expect(m.failed ?? 0).toBe(0);
    reads += Number(m.saved ?? 0);
    if (Number(m.due ?? 0) < 40) break;
  }
  const l = await ok("learn");
  return { reads, scored: Number(l.scored ?? 0) };
}

describe.skipIf(!services().postgres)("learning on the sandbox's hidden engagement model", () => {
  beforeAll(async () => {
    sb = await createSandbox({ engagement: learningEngagement });
    sb.setNow(T0);
    registerSandboxSecrets(sb);
    const base = sandboxOpener(sb);
    const opener: BrowserOpener = async (args) => {
      const session = await base(args);
      wall.launches++;
      const pid = session.process()?.pid;
      if (pid !== undefined) pids.push(pid);
      return session;
    };
    const plan = planJob({
      model, contentDir: planContentDir(LEARNING_TOPICS), random: seeded(2031),
      settings: { postsPerDay: 48, activeHours: { start: 0, end: 0 }, target: 4, maxPerRun: 4 },
    });
    const rt = await testRuntime("postgres", {
      jobs: [plan, post, metrics, learn], clock: { now: () => now }, openBrowser: opener,
      env: { XBOT_X_BASE_URL: sb.url, XBOT_X_USER: sb.user, XBOT_TYPING: "fill", XBOT_CAPS: NO_CAPS, XBOT_LOG_LEVEL: "info" },
    });
    deps = await rt.factory();
  });

  afterAll(async () => {
    await sb?.close();
    expect(pids.filter(alive)).toEqual([]);
  });

  it(`over ${POSTS} posts the best arm takes >= 60% of the last 50 choices and cumulative reward beats uniform-random`, { timeout: 900_000 }, async () => {
    const started = performance.now();
    let posted = 0;
    let reads = 0;
    let lastMetrics = T0;
    while (posted < POSTS) {
      await ok("plan");
      const due = await nextDue();
      if (due === null) throw new Error("plan left nothing queued");
      if (due > now) setNow(due);
      for (;;) {
        const s = await ok("post", true);
        if (s.posted !== 1) break;
        posted++;
      }
      if (now - lastMetrics >= METRICS_EVERY_MS) {
        lastMetrics = now;
        reads += (await metricsThenLearn()).reads;
      }
    }
    // Every post gets its 24 h snapshot and its score.
    setNow(now + 25 * HOUR);
    reads += (await metricsThenLearn()).reads;
    const wallMs = performance.now() - started;

    // Posts on the sandbox, and the receipts.
    const ours = sb.posts().filter((p) => p.author === sb.user && p.inReplyTo === null && p.createdAtMs >= T0);
    expect(ours.length).toBe(posted);
    expect(ours.length).toBeGreaterThanOrEqual(POSTS);
    const receipts = await sql().query<{ tweetId: string; reward: number | null; armId: string | null }>(
      `SELECT p.tweet_id AS "tweetId", p.reward, p.scored_arm_id AS "armId" FROM posts p WHERE p.position = 0 ORDER BY p.posted_at`,
    );
    expect(receipts.map((r) => r.tweetId).sort()).toEqual(ours.map((p) => p.id).sort());
    expect(receipts.every((r) => r.reward !== null && r.armId !== null)).toBe(true);

    // Every planned item came from the LLM with an arm of the plan.
    const items = await sql().query<{ armId: string | null; source: string }>(`SELECT arm_id AS "armId", source FROM content_items ORDER BY id`);
    expect(items.every((i) => i.source === "llm" && i.armId !== null)).toBe(true);

    // The best arm of the hidden model, and the uniform baseline on it.
    const expected = armExpectations(learningEngagement, LEARNING_TOPICS);
    expect(expected[0]!.armId).toBe(BEST_ARM);
    expect(expected[0]!.mean - expected[1]!.mean).toBeGreaterThan(0.05);
    const uniformMean = expected.reduce((s, a) => s + a.mean, 0) / expected.length;
    const cumulative = receipts.reduce((s, r) => s + (r.reward ?? 0), 0);
    const baseline = uniformMean * receipts.length;
    const bestMean = expected[0]!.mean * receipts.length;

    const last50 = items.slice(-50).map((i) => i.armId);
    const share = last50.filter((a) => a === BEST_ARM).length / last50.length;
    const arms = await sql().query<{ armId: string; pulls: number; mean: number }>(
      `SELECT arm_id AS "armId", pulls, (alpha / (alpha + beta))::float8 AS mean FROM bandit_arms ORDER BY pulls DESC`,
    );
    console.log(JSON.stringify({
      posts: posted, scored: receipts.length, planned: items.length, simulatedDays: +((now - T0) / 86_400_000).toFixed(1),
      bestArm: BEST_ARM, bestArmShareOfLast50: share, cumulativeReward: +cumulative.toFixed(2),
      uniformBaseline: +baseline.toFixed(2), alwaysBestArm: +bestMean.toFixed(2), uniformMeanPerPost: +uniformMean.toFixed(4),
      metricsReads: reads, browserLaunches: wall.launches, wallSeconds: +(wallMs / 1000).toFixed(1),
      jobSeconds: Object.fromEntries((["plan", "post", "metrics", "learn"] as const).map((k) => [k, +(wall[k] / 1000).toFixed(1)])),
      topArms: arms.slice(0, 5).map((a) => `${a.armId} pulls=${a.pulls} mean=${a.mean.toFixed(3)}`),
    }, null, 2));

    expect(share).toBeGreaterThanOrEqual(0.6);
    expect(cumulative).toBeGreaterThan(baseline);
  });
});
