/**
 * Caps and pacing, counted from the posts table (the truth) plus attempts in flight.
 * Defaults are the conservative numbers the original bot converged on (REFERENCE.md).
 * Returns decision objects: `{ success: false, reason }` names the cap that holds.
 */
import type { Caps } from "../config.js";
import type { PostingStats } from "../db/posts.js";

export type { Caps, PostingStats };

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
