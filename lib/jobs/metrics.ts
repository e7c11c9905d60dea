/**
 * metrics: reads likes, replies, reposts, bookmarks and views of our posts at about 1 h,
 * 24 h and 7 d of age (see lib/db/metrics.ts for which posts are due), through the read
 * transport (x-access.ts). On the API: every due post (at most 500) in `GET /2/tweets?ids=`
 * calls of 100, each priced and reserved against the daily dollar budget; a refusal after
 * some batches keeps what was read and then stops the run. On the browser: first ONE visit to our
 * profile: its UserTweets answers carry the exact counts of about 20 posts each while it
 * scrolls back to the oldest due post. Only posts not found there (replies, older posts) are
 * read from their own status pages: up to 3 in parallel, at most 40 reads a run. A deleted tweet gets `deleted_at`. A post whose read
 * fails backs off (15 min doubling, at most 24 h) while the others go on; an error that
 * means X or the browser is refusing us (login wall, 226, 429, crash) stops the run and is
 * thrown, so the runner counts it against the breaker. Shadow mode never touches X.
 */
import { dueSnapshots, markDeleted, recordReadFailure, saveSnapshot, type DueSnapshot } from "../db/metrics.js";
import { XbotError, toXbotError, type ErrorCode } from "../errors.js";
import type { JobContext } from "./context.js";
import { defineJob } from "./job.js";
import { JOB_SPECS } from "./specs.js";
import type { TweetMetrics, XSite } from "../x/index.js";
import type { XTransport } from "../x/transport/port.js";
import { xAccess } from "./x-access.js";
import { recordProfileFollowers } from "./profile-followers.js";

/** Limits of one run. */
export const METRICS_LIMITS = Object.freeze({ maxReads: 40, apiMaxReads: 500, profileMax: 200, parallel: 3, pageTimeoutMs: 45_000, stopBeforeDeadlineMs: 30_000 });

/** Errors after which no further read is started: X or the browser refuses us. */
const STOP_CODES: ReadonlySet<ErrorCode> = new Set([
  "session_missing",
  "session_expired",
  "x_login_wall",
  "x_challenge",
  "x_automated",
  "x_rate_limited",
  "browser_launch",
  "browser_crashed",
  "deadline",
  "db_unavailable",
  "state_unavailable",
]);

type ReadOutcome = { kind: "saved" | "already" | "deleted" } | { kind: "failed"; error: XbotError; retryAt: Date };

interface Tally {
  saved: number;
  deleted: number;
  failed: { tweetId: string; code: ErrorCode; retryAt: string }[];
  stop: XbotError | null;
  firstFailure: XbotError | null;
}

/**
 * Counters of our recent posts from one profile visit, by tweet id (the follower count the
 * visit showed is recorded too: profile-followers.ts); empty when the visit fails for a reason
 * that is not X refusing us.
 */
async function fromProfile(ctx: JobContext, site: XSite, reads: XTransport, due: readonly DueSnapshot[]): Promise<Map<string, TweetMetrics>> {
  const oldestDue = Math.min(...due.map((d) => d.postedAt.getTime()));
  try {
    const read = await reads.use("metrics:profile", (x) => x.recentTimeline(site.user, { max: METRICS_LIMITS.profileMax, since: new Date(oldestDue - 60_000) }), {
      signal: ctx.signal,
      timeoutMs: METRICS_LIMITS.pageTimeoutMs * 2,
    });
    await recordProfileFollowers(ctx, read.profileFollowers);
    return new Map(read.tweets.flatMap((t) => (t.metrics ? [[t.id, t.metrics] as const] : [])));
  } catch (error) {
    const e = toXbotError(error);
    if (STOP_CODES.has(e.code)) throw e;
    ctx.log.warn("metrics: profile read failed; reading each post", { error: e.toJSON() });
    return new Map();
  }
}

/** One post's counters through the port, its outcome thrown as the browser reader would: deleted → `x_tweet_deleted`. */
async function fetchOne(ctx: JobContext, reads: XTransport, tweetId: string): Promise<TweetMetrics> {
  const read = await reads.use("metrics", (x) => x.metricsFor([tweetId]), { signal: ctx.signal, timeoutMs: METRICS_LIMITS.pageTimeoutMs });
  const found = read.metrics.get(tweetId);
  if (found) return found;
  if (read.deleted.includes(tweetId)) throw new XbotError("x_tweet_deleted", `tweet ${tweetId} is deleted or does not exist`, { details: { tweetId } });
  throw read.failed.get(tweetId) ?? read.stopped?.error ?? new XbotError("page_unexpected", `no counters for tweet ${tweetId}`, { details: { tweetId } });
}

/** Saves (or marks deleted, or backs off) one due post; `known` counters are saved as they are, else read through the port. */
async function readOne(ctx: JobContext, reads: XTransport, due: DueSnapshot, known?: TweetMetrics | XbotError): Promise<ReadOutcome> {
  const accountId = ctx.config.XBOT_ACCOUNT_ID;
  try {
    if (known instanceof XbotError) throw known;
    const metrics = known ?? (await fetchOne(ctx, reads, due.tweetId));
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
async function readAll(ctx: JobContext, reads: XTransport, due: readonly DueSnapshot[], t: Tally): Promise<Tally> {
  let next = 0;
  const worker = async () => {
    while (next < due.length && !t.stop && !ctx.signal.aborted && ctx.clock.now() < ctx.deadlineAt - METRICS_LIMITS.stopBeforeDeadlineMs) {
      const item = due[next++]!;
      try {
        tally(t, item, await readOne(ctx, reads, item));
      } catch (error) {
        t.stop ??= toXbotError(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(METRICS_LIMITS.parallel, due.length) }, worker));
  return t;
}

/** Every due post in one port call (the API batches 100 ids a call); what was read is saved even when a refusal stopped the rest. */
async function viaApi(ctx: JobContext, reads: XTransport, due: readonly DueSnapshot[], t: Tally): Promise<{ via: "api" }> {
  const read = await reads.use("metrics", (x) => x.metricsFor(due.map((d) => d.tweetId)), { signal: ctx.signal });
  const gone = new XbotError("x_tweet_deleted", "deleted or not visible");
  for (const d of due) {
    if (read.stopped?.unread.includes(d.tweetId)) continue;
    const known = read.metrics.get(d.tweetId) ?? (read.deleted.includes(d.tweetId) ? gone : read.failed.get(d.tweetId));
    if (known) tally(t, d, await readOne(ctx, reads, d, known));
  }
  if (read.stopped) t.stop = read.stopped.error;
  return { via: "api" };
}

/** Our profile first, then the posts it did not show, one page each, `parallel` at a time. */
async function viaBrowser(ctx: JobContext, site: XSite, reads: XTransport, due: readonly DueSnapshot[], t: Tally): Promise<{ fromProfile: number; fromPages: number }> {
  const profile = await fromProfile(ctx, site, reads, due);
  const onProfile = due.filter((d) => profile.has(d.tweetId));
  const elsewhere = due.filter((d) => !profile.has(d.tweetId));
  for (const d of onProfile) tally(t, d, await readOne(ctx, reads, d, profile.get(d.tweetId)));
  await readAll(ctx, reads, elsewhere, t);
  return { fromProfile: onProfile.length, fromPages: elsewhere.length };
}

/** The metrics job. */
export const metrics = defineJob({
  ...JOB_SPECS.metrics,
  async run(ctx) {
    if (ctx.mode === "shadow") return { due: 0, saved: 0, skipped: "shadow mode never touches X" };
    const limit = ctx.config.XBOT_X_TRANSPORT === "api" ? METRICS_LIMITS.apiMaxReads : METRICS_LIMITS.maxReads;
    const due = await dueSnapshots(ctx.db, ctx.config.XBOT_ACCOUNT_ID, new Date(ctx.clock.now()), limit);
    if (due.length === 0) return { due: 0, saved: 0, deleted: 0, failed: 0 };
    const access = await xAccess(ctx);
    const api = access.reads.kind === "api";
    const t: Tally = { saved: 0, deleted: 0, failed: [], stop: null, firstFailure: null };
    const how = api ? await viaApi(ctx, access.reads, due, t) : await viaBrowser(ctx, access.site, access.reads, due, t);
    const summary = { due: due.length, saved: t.saved, deleted: t.deleted, failed: t.failed.length, failures: t.failed, ...how };
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
