/**
 * Caps and pacing, counted from the posts table (the truth) plus attempts in flight.
 * Defaults are the conservative numbers the original bot converged on (REFERENCE.md).
 * Returns decision objects: `{ success: false, reason }` names the cap that holds.
 */
import { z } from "zod";

/** Every cap, with its default. */
export const capsSchema = z.strictObject({
  /** Singles and threads per rolling hour. */
  postsPerHour: z.number().int().min(0).default(2),
  /** Minutes between two posts. */
  minGapMinutes: z.number().min(0).default(20),
  threadsPerHour: z.number().int().min(0).default(1),
  threadsPerDay: z.number().int().min(0).default(2),
  repliesPerHour: z.number().int().min(0).default(4),
  replyMinGapMinutes: z.number().min(0).default(15),
  repliesPerAuthorPerDay: z.number().int().min(0).default(1),
  /** Actions (posts + replies) per rolling day on day 1, 2, 3, ... of the ramp; the last repeats. */
  ramp: z.array(z.number().int().min(0)).min(1).default([6, 10, 15, 20]),
});

/** The caps in force. */
export type Caps = z.infer<typeof capsSchema>;

/** Default caps. */
export const DEFAULT_CAPS: Caps = capsSchema.parse({});

/** Activity counted from the database at one instant. */
export interface PostingStats {
  readonly postsLastHour: number;
  readonly threadsLastHour: number;
  readonly threadsLastDay: number;
  readonly repliesLastHour: number;
  readonly actionsLastDay: number;
  readonly lastPostAt: Date | null;
  readonly lastReplyAt: Date | null;
  /** When the ramp started (the first action), or null for a new account. */
  readonly firstActionAt: Date | null;
}

/** A cap decision. */
export type CapDecision = { success: true } | { success: false; reason: string };

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The day-based action limit of the ramp at `now`. */
export function rampLimit(caps: Caps, firstActionAt: Date | null, now: Date, rampStart?: Date): number {
  const start = rampStart ?? firstActionAt ?? now;
  const day = Math.max(0, Math.floor((now.getTime() - start.getTime()) / DAY));
  return caps.ramp[Math.min(day, caps.ramp.length - 1)]!;
}

/** May an item of this kind be posted now? */
export function checkCaps(kind: "single" | "thread" | "reply", stats: PostingStats, caps: Caps, now: Date, rampStart?: Date): CapDecision {
  if (stats.actionsLastDay >= rampLimit(caps, stats.firstActionAt, now, rampStart)) return { success: false, reason: "cap:ramp_daily_actions" };
  if (kind === "reply") {
    if (stats.repliesLastHour >= caps.repliesPerHour) return { success: false, reason: "cap:replies_per_hour" };
    if (stats.lastReplyAt && now.getTime() - stats.lastReplyAt.getTime() < caps.replyMinGapMinutes * MINUTE) return { success: false, reason: "cap:reply_min_gap" };
    return { success: true };
  }
  if (stats.postsLastHour >= caps.postsPerHour) return { success: false, reason: "cap:posts_per_hour" };
  if (stats.lastPostAt && now.getTime() - stats.lastPostAt.getTime() < caps.minGapMinutes * MINUTE) return { success: false, reason: "cap:min_gap" };
  if (kind === "thread" && stats.threadsLastHour >= caps.threadsPerHour) return { success: false, reason: "cap:threads_per_hour" };
  if (kind === "thread" && stats.threadsLastDay >= caps.threadsPerDay) return { success: false, reason: "cap:threads_per_day" };
  return { success: true };
}
