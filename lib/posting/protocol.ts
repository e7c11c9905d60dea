/**
 * The exactly-once posting protocol for ONE claimed item (DESIGN.md, "Exactly-once posting"):
 *   claim (the caller) -> attempt row -> post on X -> receipt (one transaction).
 * What is known decides what happens on a failure:
 *   - failed before the click: the attempt fails and the item is requeued (or failed);
 *   - maybe posted (`posted: "unknown" | "partial"`, a crash, a receipt that could not be
 *     written): the attempt stays OPEN and only reconciliation resolves it.
 */
import { closeAttempt, openAttempt, type Attempt } from "../db/attempts.js";
import { recordReceipt } from "../db/posts.js";
import type { QueueItem } from "../db/queue.js";
import { XbotError, toXbotError } from "../errors.js";
import { retry } from "../resilience/retry.js";
import type { JobContext } from "../runtime/context.js";
import type { XAccess } from "../jobs/x-access.js";
import { postSingle, postThread, reply, type PostResult } from "../x/index.js";

/** How long an attempt is presumed in flight (reconcile waits this long before looking). */
export const ATTEMPT_LEASE_MS = 6 * 60_000;
/** How long a failed-before-click item waits before it is due again. */
const REQUEUE_DELAY_MS = 15 * 60_000;

/** What happened to the item. */
export type PostOutcome =
  | { readonly result: "posted"; readonly itemId: string; readonly tweetIds: readonly string[]; readonly source: string }
  | { readonly result: "dry_run"; readonly itemId: string }
  | { readonly result: "not_posted"; readonly itemId: string; readonly item: "queued" | "failed"; readonly error: XbotError }
  | { readonly result: "unknown"; readonly itemId: string; readonly error: XbotError };

/** Posts one claimed item exactly once, or leaves an honest open attempt. */
export async function postClaimedItem(ctx: JobContext, item: QueueItem, access: XAccess): Promise<PostOutcome> {
  const now = new Date(ctx.clock.now());
  const attempt = await openAttempt(ctx.db, item, { runId: ctx.runId, mode: ctx.mode, startedAt: now, leaseUntil: new Date(now.getTime() + ATTEMPT_LEASE_MS) });
  await ctx.checkpoint("post:after_attempt");
  const click = { happened: false };
  let published: PostResult;
  try {
    published = await access.browser.withPage(`post:${item.kind}`, (page) => publish(ctx, page, access, item, click), { timeoutMs: 120_000, signal: ctx.signal });
  } catch (error) {
    return notPublished(ctx, item, attempt, toXbotError(error), click.happened);
  }
  if (published.source === "dry") return dryRun(ctx, item, attempt);
  await ctx.checkpoint("post:after_capture");
  ctx.log.info("posted", { itemId: item.id, tweetIds: published.tweetIds, source: published.source });
  await ctx.checkpoint("post:before_receipt");
  return writeReceipt(ctx, item, attempt, published);
}

function publish(ctx: JobContext, page: import("playwright-core").Page, access: XAccess, item: QueueItem, click: { happened: boolean }): Promise<PostResult> {
  const onClicked = () => {
    click.happened = true;
    return ctx.checkpoint("post:after_click");
  };
  const options = { dryRun: ctx.mode === "dry", signal: ctx.signal, onClicked };
  if (item.kind === "thread") return postThread(page, access.site, item.tweets, options);
  if (item.kind === "reply") {
    if (!item.inReplyTo) throw new XbotError("validation", `reply item ${item.id} has no in_reply_to`);
    return reply(page, access.site, item.inReplyTo, item.tweets[0]!, options);
  }
  return postSingle(page, access.site, item.tweets[0]!, options);
}

async function writeReceipt(ctx: JobContext, item: QueueItem, attempt: Attempt, published: PostResult): Promise<PostOutcome> {
  const postedAt = new Date(ctx.clock.now());
  try {
    await retry(() => recordReceipt(ctx.db, item, { attemptId: attempt.id, tweetIds: published.tweetIds, postedAt, origin: "bot" }), {
      attempts: 4, baseMs: 200, capMs: 3_000, deadlineAt: ctx.deadlineAt,
    });
  } catch (error) {
    const e = toXbotError(error);
    ctx.log.error("posted but the receipt could not be written; reconcile will record it", { itemId: item.id, tweetIds: published.tweetIds, error: e.toJSON() });
    return { result: "unknown", itemId: item.id, error: e };
  }
  return { result: "posted", itemId: item.id, tweetIds: published.tweetIds, source: published.source };
}

async function dryRun(ctx: JobContext, item: QueueItem, attempt: Attempt): Promise<PostOutcome> {
  const at = new Date(ctx.clock.now());
  await closeAttempt(ctx.db, attempt, { status: "failed", errorCode: "dry_run", message: "dry mode: stopped before the final click", at, item: { to: "queued", dueAt: new Date(item.dueAt), refundAttempt: true } });
  return { result: "dry_run", itemId: item.id };
}

/**
 * Not posted only when X's own answer said so (`posted: false`, e.g. 226 or 429 in the
 * CreateTweet response), or when the failure came before the click. Anything after a click
 * without such an answer (a timeout, a crash, a closed page) is unknown.
 */
async function notPublished(ctx: JobContext, item: QueueItem, attempt: Attempt, error: XbotError, clicked: boolean): Promise<PostOutcome> {
  const posted = error.details?.posted;
  if (posted !== false && (clicked || posted !== undefined)) {
    ctx.log.warn("outcome unknown: attempt left open for reconcile", { itemId: item.id, code: error.code, posted });
    return { result: "unknown", itemId: item.id, error };
  }
  const at = new Date(ctx.clock.now());
  const duplicateOnX = error.code === "validation" && error.details?.duplicate === true;
  const exhausted = item.attempts >= item.maxAttempts || duplicateOnX || error.code === "validation";
  const next = exhausted ? ({ to: "failed" } as const) : ({ to: "queued", dueAt: new Date(at.getTime() + REQUEUE_DELAY_MS) } as const);
  await closeAttempt(ctx.db, attempt, { status: "failed", errorCode: error.code, message: error.message, at, item: next });
  return { result: "not_posted", itemId: item.id, item: next.to, error };
}
