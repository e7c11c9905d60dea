/**
 * A topic-aware AI SDK test model, a narrowed topic plan and a matching hidden engagement
 * model for the sandbox, so that plan -> post -> metrics -> learn can run end to end and the
 * sandbox rewards exactly what the planner chose.
 *
 * - `topicModel()` reads the topic id from the generation prompt ("Topic: <id> - ...") and the
 *   format from the requested JSON schema, and answers with a fresh post whose every tweet
 *   contains the topic id as a word ({text} for a single, {tweets: [a, b]} for a thread). The
 *   rest of the text is random words, so the near-duplicate gate never trips.
 * - `planContentDir(plan)` is a copy of content/ whose topics.json is `plan`.
 * - `learningEngagement` is a sandbox EngagementModel that recognises those ids as keywords,
 *   with one clearly best topic, hour bucket and format.
 * - `armExpectations()` is the expected reward of every arm ON THAT SAME HIDDEN MODEL: the
 *   sandbox's own `computeMetrics` at the 24 h snapshot age, scored by the learn job's
 *   `scorePost`, averaged over the model's noise (Monte Carlo over post ids) and over the
 *   hours of the bucket. It is what a uniform-random chooser earns per post, on average.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MockLanguageModelV4 } from "ai/test";
import type { Format } from "../../lib/content/topics.js";
import { computeMetrics } from "../../lib/dev/sandbox/engagement.js";
import type { EngagementModel, StoredPost } from "../../lib/dev/sandbox/types.js";
import { armId } from "../../lib/learn/bandit.js";
import { scorePost } from "../../lib/learn/reward.js";

/** A topics.json body. */
export interface TopicsFile {
  readonly bucketHours: number;
  readonly formats: readonly Format[];
  readonly topics: readonly { id: string; description: string; keywords: string[] }[];
}

/** Three topics of the bundled plan, both formats, 8-hour buckets (0, 8, 16): 18 arms. */
export const LEARNING_TOPICS: TopicsFile = {
  bucketHours: 8,
  formats: ["single", "thread"],
  topics: [
    { id: "typescript", description: "Practical TypeScript: types, strictness settings, common mistakes.", keywords: [] },
    { id: "serverless", description: "Running serverless apps: cold starts, timeouts, cron jobs, cost.", keywords: [] },
    { id: "databases", description: "Postgres for small teams: indexes, migrations, transactions.", keywords: [] },
  ],
};

/** A copy of the bundled content/ whose topics.json is `plan`. */
export function planContentDir(plan: TopicsFile = LEARNING_TOPICS): string {
  const dir = mkdtempSync(join(tmpdir(), "xbot-topics-"));
  cpSync("content", dir, { recursive: true });
  writeFileSync(join(dir, "topics.json"), JSON.stringify(plan));
  return dir;
}

/** Plain words (no topic id, no banned phrase) the test model builds sentences from. */
const WORDS = (
  "small clear change review branch commit deploy rollback config flag value record field column table query plan cache " +
  "memory budget limit error retry window batch queue worker schedule timer metric signal trace alert page owner team " +
  "habit focus naming module boundary contract schema version release patch build lint check test fixture stub input " +
  "output handler request response header payload client server region latency throughput cost invoice report chart " +
  "graph node edge path route bundle import export default strict loose guard narrow union tuple record literal mapped " +
  "lock lease token secret key rotation audit history snapshot backup restore replica shard index vacuum analyze " +
  "migration rename split merge archive purge expire refresh warm cold start stop pause resume drain scale shrink grow " +
  "early late often rarely always never quietly loudly slowly quickly carefully plainly honestly simply"
).split(" ");

/** Counts of what the test model was asked for. */
export interface TopicModelCalls {
  readonly byTopic: Record<string, number>;
  single: number;
  thread: number;
}

/** The topic id in a generation prompt ("Topic: <id> - ..."), or null. */
export function promptTopic(prompt: unknown): string | null {
  return /Topic: ([a-z0-9][a-z0-9-]*) - /.exec(JSON.stringify(prompt))?.[1] ?? null;
}

/** A topic-aware test model: answers with a fresh single or 2-tweet thread on the prompt's topic (words drawn with `random`). */
export function topicModel(random: () => number = Math.random): MockLanguageModelV4 & { calls: TopicModelCalls } {
  const calls: TopicModelCalls = { byTopic: {}, single: 0, thread: 0 };
  let n = 0;
  const sentence = (topic: string): string => {
    const words = Array.from({ length: 12 }, () => WORDS[Math.floor(random() * WORDS.length)]!);
    words.splice(1 + Math.floor(random() * 10), 0, topic);
    n++;
    return `Note ${n}: ${words.join(" ")}.`;
  };
  const answer = (json: unknown) => ({
    content: [{ type: "text" as const, text: JSON.stringify(json) }],
    finishReason: { unified: "stop" as const, raw: "stop" },
    usage: { inputTokens: { total: 200, noCache: 200, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 40, text: 40, reasoning: undefined } },
    warnings: [],
  });
  const model = new MockLanguageModelV4({
    doGenerate: async (options) => {
      // The LLM safety check (its draft fenced in <draft> tags) is answered "safe": this model judges nothing.
      const isSafety = JSON.stringify(options.prompt).includes("<draft>");
      const topic = isSafety ? null : promptTopic(options.prompt);
      if (isSafety) return answer({ safe: true, reason: "fine" });
      if (!topic) throw new Error("topicModel: no topic in the prompt");
      const schema = options.responseFormat?.type === "json" ? options.responseFormat.schema : undefined;
      const thread = JSON.stringify(schema ?? {}).includes('"tweets"');
      calls.byTopic[topic] = (calls.byTopic[topic] ?? 0) + 1;
      calls[thread ? "thread" : "single"]++;
      const json = thread ? { tweets: [sentence(topic), sentence(topic)] } : { text: sentence(topic) };
      return answer(json);
    },
  });
  return Object.assign(model, { calls });
}

/** 24 hour multipliers, constant inside each bucket `width` hours wide (keyed by bucket start hour). */
export function perBucket(width: number, byBucket: Record<number, number>): number[] {
  return Array.from({ length: 24 }, (_, h) => byBucket[h - (h % width)] ?? 1);
}

/**
 * The hidden model of the learning test: typescript >> databases > serverless, the evening
 * bucket (16-23 UTC, x1) >> 8-15 (x0.2) > 0-7 (x0.08), and a thread earns a quarter of a
 * single (its first tweet also counts its self-reply). Best arm: typescript:single:16, expected
 * reward 0.835; next typescript:thread:16 (0.717); uniform mean over the 18 arms 0.385.
 */
export const learningEngagement: EngagementModel = {
  topics: {
    typescript: { keywords: ["typescript"], rate: 400 },
    databases: { keywords: ["databases"], rate: 25 },
    serverless: { keywords: ["serverless"], rate: 8 },
  },
  hourMultiplier: perBucket(8, { 0: 0.08, 8: 0.2, 16: 1 }),
  threadMultiplier: 0.25,
  seed: 20_311,
};

/** The expected reward of one arm on the hidden model. */
export interface ArmExpectation {
  readonly armId: string;
  readonly mean: number;
}

const DAY0 = Date.UTC(2031, 0, 5);

/**
 * Expected learn-job reward of every topic × format × bucket arm under `model` (see the module
 * doc): `samples` synthetic posts per arm at hours spread over the bucket, their metrics at
 * `ageMs` (the 24 h snapshot) from the sandbox's own engagement code, scored with `scorePost`
 * (no follower delta: the learning run has no followers job). A thread's first tweet has one
 * direct reply (its second tweet). Sorted best first.
 */
export function armExpectations(model: EngagementModel, plan: TopicsFile = LEARNING_TOPICS, options: { samples?: number; ageMs?: number } = {}): ArmExpectation[] {
  const samples = options.samples ?? 2_000;
  const ageMs = options.ageMs ?? 25 * 3_600_000;
  const out: ArmExpectation[] = [];
  for (const topic of plan.topics) {
    for (const format of plan.formats) {
      for (let bucket = 0; bucket < 24; bucket += plan.bucketHours) {
        let sum = 0;
        for (let i = 0; i < samples; i++) {
          const createdAtMs = DAY0 + (bucket + (i % plan.bucketHours)) * 3_600_000 + 60_000;
          const post: StoredPost = { id: `${1_900_000_000_000_000_000n + BigInt(i)}`, text: `Note: a ${topic.id} post.`, author: "me", inReplyTo: null, threadRootId: "", createdAtMs, deleted: false };
          const thread = format === "thread";
          const m = computeMetrics(model, post, createdAtMs + ageMs, { isThread: thread, replyCount: thread ? 1 : 0 });
          sum += scorePost({ ...m, followerDelta: 0 }).reward01;
        }
        out.push({ armId: armId(topic.id, format, bucket), mean: sum / samples });
      }
    }
  }
  return out.sort((a, b) => b.mean - a.mean);
}
