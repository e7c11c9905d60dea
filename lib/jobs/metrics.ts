/**
 * metrics: scrapes likes, replies, reposts, bookmarks and views of our posts at about 1 h,
 * 24 h and 7 d of age (see lib/db/metrics.ts for which posts are due). First ONE visit to our
 * profile: its UserTweets answers carry the exact counts of about 20 posts each while it
 * scrolls back to the oldest due post. Only posts not found there (replies, older posts) are
 * read from their own status pages: up to 3 in parallel, at most 40 reads a run. A deleted tweet gets `deleted_at`. A post whose read
 * fails backs off (15 min doubling, at most 24 h) while the others go on; an error that
 * means X or the browser is refusing us (login wall, 226, 429, crash) stops the run and is
 * thrown, so the runner counts it against the breaker. Shadow mode never touches X.
 */
import type { BrowserSession } from "../browser/index.js";
import { dueSnapshots, markDeleted, recordReadFailure, saveSnapshot, type DueSnapshot } from "../db/metrics.js";
import { XbotError, toXbotError, type ErrorCode } from "../errors.js";
import type { JobContext } from "./context.js";
import { defineJob } from "./job.js";
import { JOB_SPECS } from "./specs.js";
import { readMetrics, recentTimeline, type TweetMetrics, type XSite } from "../x/index.js";
import { xAccess } from "./x-access.js";

/** Limits of one run. */
export const METRICS_LIMITS = Object.freeze({ maxReads: 40, profileMax: 200, parallel: 3, pageTimeoutMs: 45_000, stopBeforeDeadlineMs: 30_000 });

/** Errors after which no further read is started: X or the browser refuses us. */
const STOP_CODES: ReadonlySet<ErrorCode> = new Set([
  "session_missing", "session_expired", "x_login_wall", "x_challenge", "x_automated", "x_rate_limited",
  "browser_launch", "browser_crashed", "deadline", "db_unavailable", "state_unavailable",
]);

type ReadOutcome = { kind: "saved" | "already" | "deleted" } | { kind: "failed"; error: XbotError; retryAt: Date };

interface Tally {
  saved: number;
  deleted: number;
  failed: { tweetId: string; code: ErrorCode; retryAt: string }[];
  stop: XbotError | null;
  firstFailure: XbotError | null;
}

/** Counters of our recent posts from one profile visit, by tweet id; empty when the visit fails for a reason that is not X refusing us. */
async function fromProfile(ctx: JobContext, site: XSite, browser: BrowserSession, due: readonly DueSnapshot[]): Promise<Map<string, TweetMetrics>> {
  const oldestDue = Math.min(...due.map((d) => d.postedAt.getTime()));
  try {
    const read = await browser.withPage("metrics:profile", (page) => recentTimeline(page, site, site.user, { max: METRICS_LIMITS.profileMax, since: new Date(oldestDue - 60_000) }), { signal: ctx.signal, timeoutMs: METRICS_LIMITS.pageTimeoutMs * 2 });
    return new Map(read.tweets.flatMap((t) => (t.metrics ? [[t.id, t.metrics] as const] : [])));
  } catch (error) {
    const e = toXbotError(error);
    if (STOP_CODES.has(e.code)) throw e;
    ctx.log.warn("metrics: profile read failed; reading each post", { error: e.toJSON() });
    return new Map();
  }
}

async function readOne(ctx: JobContext, site: XSite, browser: BrowserSession, due: DueSnapshot, known?: TweetMetrics): Promise<ReadOutcome> {
  const accountId = ctx.config.XBOT_ACCOUNT_ID;
  try {
    const metrics = known ?? (await browser.withPage("metrics", (page) => readMetrics(page, site, due.tweetId), { signal: ctx.signal, timeoutMs: METRICS_LIMITS.pageTimeoutMs }));
    const saved = await saveSnapshot(ctx.db, accountId, due, metrics, new Date(ctx.clock.now()));
    if (metrics.approximate.length > 0) ctx.log.info("metrics approximate", { tweetId: due.tweetId, approximate: metrics.approximate });
    return { kind: saved ? "saved" : "already" };
  } catch (error) {
    const e = toXbotError(error);
    if (e.code === "x_tweet_deleted") {
      await markDeleted(ctx.db, accountId, due.tweetId, new Date(ctx.clock.now()));
      return { kind: "deleted" };
    }
    if (STOP_CODES.has(e.code)) throw e;
    const retryAt = await recordReadFailure(ctx.db, accountId, due, new Date(ctx.clock.now()));
    ctx.log.warn("metrics read failed; backing off", { tweetId: due.tweetId, failures: due.failures + 1, retryAt, error: e.toJSON() });
    return { kind: "failed", error: e, retryAt };
  }
}

function tally(t: Tally, due: DueSnapshot, outcome: ReadOutcome): void {
  if (outcome.kind === "saved") t.saved++;
  else if (outcome.kind === "deleted") t.deleted++;
  else if (outcome.kind === "failed") {
    t.failed.push({ tweetId: due.tweetId, code: outcome.error.code, retryAt: outcome.retryAt.toISOString() });
    t.firstFailure ??= outcome.error;
  }
}

/** Reads every due post with at most `parallel` pages open; stops starting reads on a stop error or near the deadline. */
async function readAll(ctx: JobContext, site: XSite, browser: BrowserSession, due: readonly DueSnapshot[], t: Tally): Promise<Tally> {
  let next = 0;
  const worker = async () => {
    while (next < due.length && !t.stop && !ctx.signal.aborted && ctx.clock.now() < ctx.deadlineAt - METRICS_LIMITS.stopBeforeDeadlineMs) {
      const item = due[next++]!;
      try {
        tally(t, item, await readOne(ctx, site, browser, item));
      } catch (error) {
        t.stop ??= toXbotError(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(METRICS_LIMITS.parallel, due.length) }, worker));
  return t;
}

/** The metrics job. */
export const metrics = defineJob({
  ...JOB_SPECS.metrics,
  async run(ctx) {
    if (ctx.mode === "shadow") return { due: 0, saved: 0, skipped: "shadow mode never touches X" };
    const due = await dueSnapshots(ctx.db, ctx.config.XBOT_ACCOUNT_ID, new Date(ctx.clock.now()), METRICS_LIMITS.maxReads);
    if (due.length === 0) return { due: 0, saved: 0, deleted: 0, failed: 0 };
    const access = await xAccess(ctx);
    const { site } = access;
    const browser = await access.browser();
    const profile = await fromProfile(ctx, site, browser, due);
    const onProfile = due.filter((d) => profile.has(d.tweetId));
    const elsewhere = due.filter((d) => !profile.has(d.tweetId));
    const t: Tally = { saved: 0, deleted: 0, failed: [], stop: null, firstFailure: null };
    for (const d of onProfile) tally(t, d, await readOne(ctx, site, browser, d, profile.get(d.tweetId)));
    await readAll(ctx, site, browser, elsewhere, t);
    const summary = { due: due.length, saved: t.saved, deleted: t.deleted, failed: t.failed.length, failures: t.failed, fromProfile: onProfile.length, fromPages: elsewhere.length };
    if (t.stop) {
      ctx.log.warn("metrics stopped early", { ...summary, error: t.stop.toJSON() });
      throw t.stop;
    }
    if (t.saved + t.deleted === 0 && t.firstFailure && t.failed.length >= 2) {
      throw new XbotError(t.firstFailure.code, `metrics: every read failed (${t.failed.length}): ${t.firstFailure.message}`, { cause: t.firstFailure, details: summary });
    }
    return summary;
  },
});
