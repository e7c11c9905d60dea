/**
 * Reconciliation: the only way an open attempt is resolved. For each attempt whose lease
 * has passed, look for its text on X (our profile timeline; for replies, the target's
 * conversation): found -> record the receipt with the tweet id X shows; not found ->
 * requeue, or fail after the item's max attempts. Tweets on our timeline that the database
 * never knew (newer than our first receipt) are recorded as ghosts. Claims abandoned
 * before any attempt are requeued: X was never touched.
 */
import { closeAttempt, expiredOpenAttempts, requeueOrphanClaims } from "../db/attempts.js";
import { firstPostAt, knownTweetIds, recordGhost, recordReceipt } from "../db/posts.js";
import type { JobContext } from "../runtime/context.js";
import type { XAccess } from "../jobs/x-access.js";
import { normalizeText } from "../x/dom.js";
import { conversationReplies, recentTimeline, type TimelineTweet } from "../x/index.js";
import { ATTEMPT_LEASE_MS } from "./protocol.js";

/** What a reconciliation pass did. */
export interface ReconcileSummary {
  resolved: number;
  requeued: number;
  failed: number;
  ghosts: number;
  orphansRequeued: number;
}

const SKEW_MS = 5 * 60_000;

/** Runs one reconciliation pass. */
export async function reconcile(ctx: JobContext, access: XAccess): Promise<ReconcileSummary> {
  const account = ctx.config.XBOT_ACCOUNT_ID;
  const now = new Date(ctx.clock.now());
  const summary: ReconcileSummary = { resolved: 0, requeued: 0, failed: 0, ghosts: 0, orphansRequeued: 0 };
  summary.orphansRequeued = await requeueOrphanClaims(ctx.db, account, new Date(now.getTime() - ATTEMPT_LEASE_MS), now);
  const timeline = await access.browser.withPage("reconcile:timeline", (page) => recentTimeline(page, access.site, access.site.user, 40));
  const matched = new Set<string>();
  for (const attempt of await expiredOpenAttempts(ctx.db, account, now)) {
    const candidates = attempt.item.kind === "reply" && attempt.item.inReplyTo
      ? await access.browser.withPage("reconcile:conversation", (page) => conversationReplies(page, access.site, attempt.item.inReplyTo!, 20))
      : timeline;
    const known = await knownTweetIds(ctx.db, account, candidates.map((t) => t.id));
    const found = candidates.find((t) => !known.has(t.id) && !matched.has(t.id) && sameText(t.text, attempt.item.tweets[0] ?? "") && notBefore(t, new Date(attempt.startedAt)));
    if (found) {
      matched.add(found.id);
      await recordReceipt(ctx.db, attempt.item, { attemptId: attempt.id, tweetIds: [found.id], postedAt: found.time ?? now, origin: "reconciled" });
      ctx.log.info("reconciled: found on X", { itemId: attempt.item.id, tweetId: found.id });
      summary.resolved++;
      continue;
    }
    const exhausted = attempt.item.attempts >= attempt.item.maxAttempts;
    await closeAttempt(ctx.db, attempt, { status: "not_found", errorCode: "not_found", message: "not on X after the attempt's lease", at: now, item: exhausted ? { to: "failed" } : { to: "queued", dueAt: now } });
    if (exhausted) summary.failed++;
    else summary.requeued++;
  }
  summary.ghosts = await recordGhosts(ctx, timeline, matched, now);
  return summary;
}

async function recordGhosts(ctx: JobContext, timeline: TimelineTweet[], matched: Set<string>, now: Date): Promise<number> {
  const account = ctx.config.XBOT_ACCOUNT_ID;
  const since = await firstPostAt(ctx.db, account);
  if (!since) return 0;
  const known = await knownTweetIds(ctx.db, account, timeline.map((t) => t.id));
  let ghosts = 0;
  for (const tweet of timeline) {
    if (known.has(tweet.id) || matched.has(tweet.id) || !tweet.time || tweet.time < since) continue;
    if (await recordGhost(ctx.db, account, tweet, now)) {
      ctx.log.warn("ghost: a post on X the database did not know", { tweetId: tweet.id });
      ghosts++;
    }
  }
  return ghosts;
}

function sameText(onX: string, ours: string): boolean {
  const strip = (t: string) => normalizeText(t.replace(/https?:\/\/\S+/g, "")).toLowerCase();
  return strip(onX) === strip(ours);
}

function notBefore(tweet: TimelineTweet, startedAt: Date): boolean {
  return !tweet.time || tweet.time.getTime() >= startedAt.getTime() - SKEW_MS;
}
