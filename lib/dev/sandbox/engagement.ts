/** Hidden, deterministic engagement model of the sandbox. */
import type { EngagementModel, Metrics, StoredPost } from "./types.js";

/** Hour multipliers: night (UTC 0-6) poor, working day average, evening (17-22) best. */
const DEFAULT_HOURS = [0.5, 0.4, 0.35, 0.3, 0.3, 0.35, 0.5, 0.7, 0.85, 0.95, 1.0, 1.05, 1.1, 1.1, 1.05, 1.1, 1.2, 1.5, 1.7, 1.8, 1.7, 1.5, 1.1, 0.8];

/**
 * Default model: "ai" >> "typescript" > "postgres" > "serverless" >> "other" (no keyword).
 * `rate` is the expected final like count of a top-level post at a 1.0 hour.
 */
export const DEFAULT_ENGAGEMENT: EngagementModel = {
  topics: {
    ai: { keywords: ["ai", "llm", "gpt", "agent", "model", "prompt"], rate: 300 },
    typescript: { keywords: ["typescript", "tsc", "type-safe", "generics", "ts"], rate: 120 },
    postgres: { keywords: ["postgres", "sql", "index", "vacuum", "database"], rate: 80 },
    serverless: { keywords: ["serverless", "lambda", "vercel", "cold start", "edge"], rate: 40 },
    other: { keywords: [], rate: 10 },
  },
  hourMultiplier: DEFAULT_HOURS,
  threadMultiplier: 1.5,
  seed: 42,
};

/** Time constant of metric growth: about 63% of the final value after this age. */
export const GROWTH_TAU_MS = 3 * 60 * 60 * 1000;
/** Views per like (before noise). */
export const VIEWS_PER_LIKE = 45;
/** Replies earn this fraction of a top-level post's engagement. */
const REPLY_FACTOR = 0.3;

/** Deterministic number in [0, 1) from the model seed and a key (FNV-1a). */
export function hash01(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

/** Topic of a text: the first topic with a keyword found as a whole word; else a keyword-less topic, else null. */
export function topicOf(model: EngagementModel, text: string): string | null {
  const lower = text.toLowerCase();
  let fallback: string | null = null;
  for (const [name, topic] of Object.entries(model.topics)) {
    if (topic.keywords.length === 0) fallback ??= name;
    for (const kw of topic.keywords) {
      const re = new RegExp(`(^|[^a-z0-9])${kw.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^a-z0-9])`);
      if (re.test(lower)) return name;
    }
  }
  return fallback;
}

/** Facts about a post's place in its conversation that the model needs. */
export interface PostContext {
  /** Part of a self-thread (a chain of replies by the same author). */
  isThread: boolean;
  /** Number of live direct replies. */
  replyCount: number;
}

/** Expected final like count of a post (before growth). */
export function finalLikes(model: EngagementModel, post: StoredPost, ctx: PostContext): number {
  const topic = topicOf(model, post.text);
  const rate = topic ? (model.topics[topic]?.rate ?? 1) : 1;
  const hour = new Date(post.createdAtMs).getUTCHours();
  const hourMul = model.hourMultiplier[hour] ?? 1;
  const threadMul = ctx.isThread ? model.threadMultiplier : 1;
  const replyMul = post.inReplyTo && !ctx.isThread ? REPLY_FACTOR : 1;
  const noise = 0.7 + 0.6 * hash01(model.seed, `${post.id}:likes`);
  return rate * hourMul * threadMul * replyMul * noise;
}

/** Metrics of a post at `nowMs`: each counter grows as 1 - e^(-age/τ) toward its final value. */
export function computeMetrics(model: EngagementModel, post: StoredPost, nowMs: number, ctx: PostContext): Metrics {
  const age = Math.max(0, nowMs - post.createdAtMs);
  const frac = 1 - Math.exp(-age / GROWTH_TAU_MS);
  const likesF = finalLikes(model, post, ctx);
  const n = (salt: string): number => 0.7 + 0.6 * hash01(model.seed, `${post.id}:${salt}`);
  const grown: Metrics = {
    likes: Math.floor(likesF * frac),
    reposts: Math.floor(likesF * 0.15 * n("reposts") * frac),
    bookmarks: Math.floor(likesF * 0.05 * n("bookmarks") * frac),
    replies: Math.floor(likesF * 0.04 * n("replies") * frac) + ctx.replyCount,
    views: Math.floor((likesF * VIEWS_PER_LIKE * n("views") + 30) * frac),
  };
  const { quotes: _quotes, ...fixed } = post.fixedMetrics ?? {};
  return { ...grown, ...fixed };
}

/** Quotes of a post at `nowMs`: about 2% of its likes, growing like the other counters. */
export function computeQuotes(model: EngagementModel, post: StoredPost, nowMs: number, ctx: PostContext): number {
  if (post.fixedMetrics?.quotes !== undefined) return post.fixedMetrics.quotes;
  const frac = 1 - Math.exp(-Math.max(0, nowMs - post.createdAtMs) / GROWTH_TAU_MS);
  const n = 0.7 + 0.6 * hash01(model.seed, `${post.id}:quotes`);
  return Math.floor(finalLikes(model, post, ctx) * 0.02 * n * frac);
}
