/**
 * metrics and followers share one visit where they can: a job that already loads our profile
 * (metrics' profile read, reconcile's timeline read) records the follower count that the same
 * page's UserByScreenName answer carried, and the followers job skips its own visit while such
 * a snapshot is fresh. Follower attribution (lib/db/followers.ts) only needs a snapshot near
 * each moment, whichever job took it.
 */
import { insertFollowerSnapshot, latestFollowers } from "../db/followers.js";
import type { JobContext } from "./context.js";
import type { TimelineRead } from "../x/index.js";

/** A snapshot younger than this makes the followers job skip X: its schedule is every 2 h, so its own last snapshot is always older, and one skipped run leaves a gap under 4 h (the attribution tolerance). */
export const FOLLOWERS_FRESH_MS = 110 * 60_000;

/** The latest snapshot when it is younger than {@link FOLLOWERS_FRESH_MS}, else null. */
export async function freshFollowers(ctx: JobContext): Promise<{ followers: number; takenAt: Date } | null> {
  const now = ctx.clock.now();
  const latest = await latestFollowers(ctx.db, ctx.config.XBOT_ACCOUNT_ID, new Date(now));
  return latest && now - latest.takenAt.getTime() < FOLLOWERS_FRESH_MS ? latest : null;
}

/**
 * Records the follower count a profile visit showed (`TimelineRead.profileFollowers`), unless
 * a fresh snapshot exists. Returns the count recorded, or null. A failure is logged, never
 * thrown: the job's own work does not depend on it.
 */
export async function recordProfileFollowers(ctx: JobContext, count: TimelineRead["profileFollowers"]): Promise<number | null> {
  if (count === undefined) return null;
  try {
    if (await freshFollowers(ctx)) return null;
    await insertFollowerSnapshot(ctx.db, ctx.config.XBOT_ACCOUNT_ID, count, new Date(ctx.clock.now()));
    return count;
  } catch (error) {
    ctx.log.warn("followers from the profile visit not recorded", { error: String(error) });
    return null;
  }
}
