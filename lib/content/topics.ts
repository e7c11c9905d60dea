/**
 * The operator's topic plan (content/topics.json): what the account talks about, in which
 * formats, and how the UTC day is cut into hour buckets for learning.
 *
 * Hour buckets: the day is cut into `24 / bucketHours` equal windows, and a bucket is
 * named by its START hour in UTC. With the default `bucketHours: 4` the buckets are
 * 0, 4, 8, 12, 16, 20 (00:00–03:59 UTC is bucket 0, 04:00–07:59 is bucket 4, ...).
 * Six buckets keep the arm count (topics × formats × 6) small enough for the bandit to
 * learn from a few posts a day, and a start hour fits the `hour_bucket` column (0..23).
 */
import { z } from "zod";
import { loadOperatorJson, parseOperatorJson } from "./json-file.js";

/** Post formats the planner can choose. */
export const FORMATS = ["single", "thread"] as const;
/** One post format. */
export type Format = (typeof FORMATS)[number];

/** One topic the account posts about. */
export interface Topic {
  /** Stable id (lowercase, digits, dashes); part of bandit arm ids. */
  readonly id: string;
  /** What the topic covers; given to the LLM. */
  readonly description: string;
  /** Optional words or angles to steer generation. */
  readonly keywords: readonly string[];
}

/** The validated topic plan. */
export interface TopicPlan {
  readonly topics: readonly Topic[];
  readonly formats: readonly Format[];
  /** Width of an hour bucket in hours; divides 24. */
  readonly bucketHours: number;
  /** Bucket start hours in UTC, ascending (derived from `bucketHours`). */
  readonly hourBuckets: readonly number[];
}

/** One topic, as topics.json and an account's `topics` setting hold it. */
export const topicSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "must be 1-40 chars of a-z, 0-9 and dashes"),
  description: z.string().trim().min(3).max(500),
  keywords: z.array(z.string().trim().min(1).max(60)).max(30).default([]),
});

const planSchema = z.object({
  topics: z
    .array(topicSchema)
    .min(1)
    .max(50)
    .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, "topic ids must be unique"),
  formats: z
    .array(z.enum(FORMATS))
    .min(1)
    .default([...FORMATS])
    .refine((fs) => new Set(fs).size === fs.length, "formats must be unique"),
  bucketHours: z
    .number()
    .int()
    .refine((h) => h >= 1 && h <= 24 && 24 % h === 0, "must divide 24 (1, 2, 3, 4, 6, 8, 12 or 24)")
    .default(4),
});

/** Start hours (UTC) of the buckets for a bucket width. */
export function hourBuckets(bucketHours: number): number[] {
  const buckets: number[] = [];
  for (let h = 0; h < 24; h += bucketHours) buckets.push(h);
  return buckets;
}

/** The bucket (its start hour, UTC) that an instant falls in. */
export function hourBucketOf(at: Date, bucketHours: number): number {
  const hour = at.getUTCHours();
  return hour - (hour % bucketHours);
}

/** Validates a parsed topic plan; throws a `config_invalid` XbotError naming every problem. */
export function parseTopics(value: unknown, what = "topics"): TopicPlan {
  const plan = parseOperatorJson(value, planSchema, what);
  return Object.freeze({ ...plan, hourBuckets: hourBuckets(plan.bucketHours) });
}

/** Reads and validates content/topics.json (or another path). */
export async function loadTopics(path: string): Promise<TopicPlan> {
  const raw = await loadOperatorJson(path, z.unknown());
  return parseTopics(raw, path);
}
