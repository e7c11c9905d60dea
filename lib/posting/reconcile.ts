/**
 * Reconciliation: the only way an open attempt is resolved. For each attempt whose lease has
 * passed, look for its tweets on X (lib/posting/find-on-x.ts): found → the receipt with the
 * ids X shows; a thread with tweets missing → `partial` (the post job finishes it); absent
 * (proven by a good read) → requeue, or fail after the item's max attempts; inconclusive →
 * the attempt stays open and the summary says why. A read X refuses (throttled, suspended)
 * throws, so nothing is concluded and the job's failure names the cause. From the same good
 * read: tweets the database never knew are recorded as ghosts, and receipts whose tweets are
 * no longer there are marked vanished. Claims abandoned before any attempt are requeued.
 */
import { closeAttempt, expiredOpenAttempts, requeueOrphanClaims } from "../db/attempts.js";
import { firstPostAt, knownTweetIds, markVanished, receiptIdsOf, receiptsToCheck, recordGhost, recordReceipt } from "../db/posts.js";
import type { PostingContext } from "./context.js";
import type { XAccess } from "../x/access.js";
import type { TimelineRead } from "../x/index.js";
import { findOnX, provesAbsence, SKEW_MS, type Claimed, type Finding, type OpenAttempt } from "./find-on-x.js";
import { ATTEMPT_LEASE_MS } from "./protocol.js";

/** What a reconciliation pass did. */
export interface ReconcileSummary {
  resolved: number;
  partial: number;
  requeued: number;
  failed: number;
  /** Attempts left open because no read could prove where they are; `why` per item. */
  inconclusive: { itemId: string; why: string }[];
  ghosts: number;
  vanished: number;
  orphansRequeued: number;
  /** Where the timeline read came from. */
  source: TimelineRead["source"];
  /** The profile's follower count the same visit showed (browser reads), for the followers snapshot. */
  profileFollowers?: number;
}

/** How far back receipts are checked against the timeline, and how old they must be. */
const VANISH_WINDOW_MS = 24 * 3_600_000;
const VANISH_GRACE_MS = 10 * 60_000;
const TIMELINE_MAX = 100;

type Attempts = Awaited<ReturnType<typeof expiredOpenAttempts>>;

/** Runs one reconciliation pass. */
export async function reconcile(ctx: PostingContext, access: XAccess): Promise<ReconcileSummary> {
  const account = ctx.config.XBOT_ACCOUNT_ID;
  const now = new Date(ctx.clock.now());
  const orphansRequeued = await requeueOrphanClaims(ctx.db, account, new Date(now.getTime() - ATTEMPT_LEASE_MS), now);
  const attempts = await expiredOpenAttempts(ctx.db, account, now);
  const since = new Date(Math.min(now.getTime() - VANISH_WINDOW_MS, ...attempts.map((a) => new Date(a.startedAt).getTime() - SKEW_MS)));
  const timeline = await access.x.use("reconcile:timeline", (x) => x.recentTimeline(access.site.user, { max: TIMELINE_MAX, since }));
  const summary: ReconcileSummary = {
    resolved: 0,
    partial: 0,
    requeued: 0,
    failed: 0,
    inconclusive: [],
    ghosts: 0,
    vanished: 0,
    orphansRequeued,
    source: timeline.source,
    ...(timeline.profileFollowers === undefined ? {} : { profileFollowers: timeline.profileFollowers }),
  };
  const matched = new Set<string>();
  const known = knownLookup(ctx);
  await resolveAll(ctx, access, timeline, attempts, { matched, known }, summary);
  summary.ghosts = await recordGhosts(ctx, timeline, { matched, known }, now);
  summary.vanished = await markVanishedReceipts(ctx, timeline, now);
  if (summary.inconclusive.length > 0) ctx.log.warn("reconcile: attempts left open", { inconclusive: summary.inconclusive });
  return summary;
}

/**
 * Which ids are already receipts, each looked up once per pass: what the pass itself records
 * goes into `matched`, so a cached "not known" never hides one of them.
 */
function knownLookup(ctx: PostingContext): Claimed["known"] {
  const cache = new Map<string, boolean>();
  return async (ids) => {
    const missing = [...new Set(ids.filter((id) => !cache.has(id)))];
    if (missing.length > 0) {
      const found = await knownTweetIds(ctx.db, ctx.config.XBOT_ACCOUNT_ID, missing);
      for (const id of missing) cache.set(id, found.has(id));
    }
    return new Set(ids.filter((id) => cache.get(id) === true));
  };
}

async function resolveAll(ctx: PostingContext, access: XAccess, timeline: TimelineRead, attempts: Attempts, claimed: Claimed & { matched: Set<string> }, summary: ReconcileSummary): Promise<void> {
  const account = ctx.config.XBOT_ACCOUNT_ID;
  for (const attempt of attempts) {
    const open: OpenAttempt = { startedAt: new Date(attempt.startedAt), item: attempt.item, done: attempt.item.kind === "thread" ? await receiptIdsOf(ctx.db, account, attempt.item.id) : [] };
    const finding = await findOnX(access, timeline, open, claimed);
    await settle(ctx, attempt, open, finding, claimed.matched, summary);
  }
}

async function settle(ctx: PostingContext, attempt: Attempts[number], open: OpenAttempt, finding: Finding, matched: Set<string>, summary: ReconcileSummary): Promise<void> {
  const now = new Date(ctx.clock.now());
  const item = attempt.item;
  if (finding.kind === "inconclusive") {
    summary.inconclusive.push({ itemId: item.id, why: finding.why });
    return;
  }
  if (finding.kind === "absent") {
    const exhausted = item.attempts >= item.maxAttempts && open.done.length === 0;
    const next = open.done.length > 0 ? ({ to: "partial", dueAt: now } as const) : exhausted ? ({ to: "failed" } as const) : ({ to: "queued", dueAt: now } as const);
    await closeAttempt(ctx.db, attempt, { status: "not_found", errorCode: "not_found", message: "not on X after the attempt's lease", at: now, item: next });
    if (next.to === "failed") summary.failed++;
    else summary.requeued++;
    return;
  }
  for (const id of finding.tweetIds) matched.add(id);
  const outcome = await recordReceipt(ctx.db, item, {
    attemptId: attempt.id,
    tweetIds: finding.tweetIds,
    postedAt: finding.postedAt ?? now,
    origin: "reconciled",
    ...(finding.start ? { start: finding.start } : {}),
  });
  if (outcome === "partial") summary.partial++;
  else summary.resolved++;
  ctx.log[outcome === "partial" ? "warn" : "info"](outcome === "partial" ? "reconciled: thread partial on X" : "reconciled: found on X", { itemId: item.id, tweetIds: finding.tweetIds });
}

async function recordGhosts(ctx: PostingContext, timeline: TimelineRead, claimed: Claimed, now: Date): Promise<number> {
  const account = ctx.config.XBOT_ACCOUNT_ID;
  const since = await firstPostAt(ctx.db, account);
  if (!since) return 0;
  const known = await claimed.known(timeline.tweets.map((t) => t.id));
  let ghosts = 0;
  for (const tweet of timeline.tweets) {
    if (known.has(tweet.id) || claimed.matched.has(tweet.id) || !tweet.time || tweet.time < since) continue;
    if (await recordGhost(ctx.db, account, tweet, now)) {
      ctx.log.warn("ghost: a post on X the database did not know", { tweetId: tweet.id });
      ghosts++;
    }
  }
  return ghosts;
}

/** Receipts (singles, thread roots) the read covers but does not show: X gave an id, the post is gone. */
async function markVanishedReceipts(ctx: PostingContext, timeline: TimelineRead, now: Date): Promise<number> {
  const to = new Date(now.getTime() - VANISH_GRACE_MS);
  if (!provesAbsence(timeline, to)) return 0;
  const coveredFrom = timeline.reachedEnd || timeline.coveredSince === null ? 0 : timeline.coveredSince.getTime() + SKEW_MS;
  const from = new Date(Math.max(coveredFrom, now.getTime() - VANISH_WINDOW_MS));
  const shown = new Set(timeline.tweets.map((t) => t.id));
  const missing = (await receiptsToCheck(ctx.db, ctx.config.XBOT_ACCOUNT_ID, from, to)).filter((r) => !shown.has(r.tweetId)).map((r) => r.tweetId);
  const marked = await markVanished(ctx.db, ctx.config.XBOT_ACCOUNT_ID, missing, now);
  if (marked > 0) ctx.log.error("receipts whose posts are not on X (vanished)", { tweetIds: missing });
  return marked;
}
