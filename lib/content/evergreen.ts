/**
 * The evergreen library (content/evergreen.json): operator-written posts that stay true,
 * used when there is no LLM (no key, breaker open, budget spent). A post is recycled only
 * when it has not been posted within `minDaysBetween` days; never-posted ones go first.
 */
import { z } from "zod";
import type { PostedRecord } from "../db/plan-history.js";
import { contentHash } from "../db/queue.js";

export type { PostedRecord };
import { loadOperatorJson, parseOperatorJson } from "./json-file.js";
import { checkLength } from "./length.js";
import { FORMATS, type Format } from "./topics.js";

/** One evergreen post. */
export interface EvergreenPost {
  readonly id: string;
  readonly topic: string;
  readonly format: Format;
  readonly tweets: readonly string[];
  /** Media library ids per tweet (`media[i]` for tweet i, at most 4 each); absent or [] for none. */
  readonly media?: readonly (readonly string[])[];
}

const tweetSchema = z.string().superRefine((text, ctx) => {
  const check = checkLength(text);
  if (!check.success) ctx.addIssue({ code: "custom", message: check.reason });
});

/** One evergreen post, as evergreen.json and an account's `evergreen` setting hold it. */
export const postSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, "must be a-z, 0-9 and dashes"),
    topic: z.string().min(1),
    format: z.enum(FORMATS),
    tweets: z.array(tweetSchema).min(1).max(6),
    media: z.array(z.array(z.string().regex(/^\d{1,18}$/, "a media library id (xbot media list)")).max(4, "x.com takes at most 4 images per post")).default([]),
  })
  .refine((p) => (p.format === "single" ? p.tweets.length === 1 : p.tweets.length >= 2), "a single has 1 tweet, a thread 2-6")
  .refine((p) => p.media.length <= p.tweets.length, "media has more entries than the post has tweets");

const librarySchema = z.object({
  posts: z.array(postSchema).refine((ps) => new Set(ps.map((p) => p.id)).size === ps.length, "post ids must be unique"),
});

/** Validates a parsed library (`{ "posts": [...] }`); every tweet must pass the length check. */
export function parseEvergreen(value: unknown, what = "evergreen"): EvergreenPost[] {
  return parseOperatorJson(value, librarySchema, what).posts;
}

/** Reads and validates content/evergreen.json. */
export async function loadEvergreen(path: string): Promise<EvergreenPost[]> {
  return parseEvergreen(await loadOperatorJson(path, z.unknown()), path);
}

/** Options of {@link pickEvergreen}. */
export interface PickEvergreenOptions {
  readonly library: readonly EvergreenPost[];
  /** Recent posts and queued items (hash + when posted or due). */
  readonly recentlyPosted: readonly PostedRecord[];
  readonly now: Date;
  /** Minimum days between two postings of the same content. Default 30. */
  readonly minDaysBetween?: number;
  readonly random: () => number;
  /** Restrict to one topic (e.g. the bandit's choice). */
  readonly topic?: string;
}

const DAY_MS = 86_400_000;

/** A post not posted within `minDaysBetween` days (never-posted first, then random), or null. */
export function pickEvergreen(options: PickEvergreenOptions): EvergreenPost | null {
  const cutoff = options.now.getTime() - (options.minDaysBetween ?? 30) * DAY_MS;
  const lastPosted = new Map<string, number>();
  for (const record of options.recentlyPosted) {
    const at = record.postedAt.getTime();
    lastPosted.set(record.contentHash, Math.max(at, lastPosted.get(record.contentHash) ?? -Infinity));
  }
  const pool = options.library.filter((p) => options.topic === undefined || p.topic === options.topic);
  const hashOf = (p: EvergreenPost) => contentHash(p.tweets, { media: p.media ?? [] });
  const eligible = pool.filter((p) => (lastPosted.get(hashOf(p)) ?? -Infinity) <= cutoff);
  const fresh = eligible.filter((p) => !lastPosted.has(hashOf(p)));
  const choices = fresh.length > 0 ? fresh : eligible;
  if (choices.length === 0) return null;
  return choices[Math.min(choices.length - 1, Math.floor(options.random() * choices.length))] ?? null;
}
