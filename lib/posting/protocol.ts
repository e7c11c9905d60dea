/**
 * The exactly-once posting protocol for ONE claimed item (DESIGN.md, "Exactly-once posting"):
 *   claim (the caller) -> attempt row -> post on X -> receipt (one transaction).
 * What is known decides what happens on a failure:
 *   - failed before the click: the attempt fails and the item is requeued (or failed);
 *   - maybe posted (`posted: "unknown" | "partial"`, a crash, a receipt that could not be
 *     written): the attempt stays OPEN and only reconciliation resolves it.
 * A `partial` thread (some tweets on X, found by reconcile) is finished by posting only the
 * missing tweets, each as a reply to the one before, under a new attempt.
 */
import { closeAttempt, openAttempt, type Attempt } from "../db/attempts.js";
import { receiptIdsOf, recordReceipt, type ReceiptStart } from "../db/posts.js";
import type { QueueItem } from "../db/queue.js";
import { XbotError, toXbotError } from "../errors.js";
import { retry } from "../resilience/retry.js";
import type { PostingContext } from "./context.js";
import type { XAccess } from "../x/access.js";
import type { MediaPerTweet, PostOptions, PostResult } from "../x/index.js";
import type { XOps } from "../x/transport/port.js";
import { attachmentsOf } from "./attachments.js";

/** How long an attempt is presumed in flight (reconcile waits this long before looking). */
export const ATTEMPT_LEASE_MS = 6 * 60_000;
/** How long a failed-before-click item waits before it is due again. */
const REQUEUE_DELAY_MS = 15 * 60_000;

/** What happened to the item. */
export type PostOutcome =
  | { readonly result: "posted"; readonly itemId: string; readonly tweetIds: readonly string[]; readonly source: string }
  | { readonly result: "dry_run"; readonly itemId: string }
  | { readonly result: "not_posted"; readonly itemId: string; readonly item: "queued" | "partial" | "failed"; readonly error: XbotError }
  | { readonly result: "unknown"; readonly itemId: string; readonly error: XbotError };

/** Posts one claimed item exactly once, or leaves an honest open attempt. */
export async function postClaimedItem(ctx: PostingContext, item: QueueItem, access: XAccess): Promise<PostOutcome> {
  const done = item.kind === "thread" ? await receiptIdsOf(ctx.db, item.accountId, item.id) : [];
  const start = resumePoint(done);
  const now = new Date(ctx.clock.now());
  const attempt = await openAttempt(ctx.db, item, { runId: ctx.runId, mode: ctx.mode, startedAt: now, leaseUntil: new Date(now.getTime() + ATTEMPT_LEASE_MS) });
  await ctx.checkpoint("post:after_attempt");
  const click = { happened: false };
  let published: PostResult;
  try {
    const media = await attachmentsOf(ctx.db, item);
    published = await access.x.use(`post:${item.kind}`, (x) => publish(ctx, x, { item, media }, click, start), { timeoutMs: 120_000, signal: ctx.signal });
  } catch (error) {
    return notPublished(ctx, item, attempt, toXbotError(error), click.happened, start !== undefined);
  }
  if (published.source === "dry") return dryRun(ctx, item, attempt);
  await ctx.checkpoint("post:after_capture");
  ctx.log.info("posted", { itemId: item.id, tweetIds: published.tweetIds, source: published.source });
  await ctx.checkpoint("post:before_receipt");
  return writeReceipt(ctx, item, attempt, published, start);
}

/** Where a partial thread resumes: after its last receipted tweet (`done`, in order); undefined when none is. */
function resumePoint(done: readonly string[]): ReceiptStart | undefined {
  const [rootId] = done;
  const previousId = done.at(-1);
  return rootId !== undefined && previousId !== undefined ? { position: done.length, previousId, rootId } : undefined;
}

type Click = { happened: boolean };

type Content = { readonly item: QueueItem; readonly media: MediaPerTweet };

function publish(ctx: PostingContext, x: XOps, { item, media }: Content, click: Click, start: ReceiptStart | undefined): Promise<PostResult> {
  const onClicked = () => {
    click.happened = true;
    return ctx.checkpoint("post:after_click");
  };
  const options = { dryRun: ctx.mode === "dry", signal: ctx.signal, onClicked };
  if (start) return finishThread(x, { item, media }, start, options);
  if (item.kind === "thread") return x.postThread(item.tweets, options, media);
  if (item.kind === "reply") {
    if (!item.inReplyTo) throw new XbotError("validation", `reply item ${item.id} has no in_reply_to`);
    return x.reply(item.inReplyTo, item.tweets[0]!, options, media[0]);
  }
  if (item.quoteOf) return x.postQuote(item.quoteOf, item.tweets[0]!, options, media[0]);
  return x.postSingle(item.tweets[0]!, options, media[0]);
}

/**
 * Posts the tweets of a partial thread after `start`, each replying to the previous. Once one
 * is posted, any failure is "maybe posted" (`posted: "unknown"`): reconcile reads the chain.
 */
async function finishThread(x: XOps, { item, media }: Content, start: ReceiptStart, options: PostOptions): Promise<PostResult> {
  const ids: string[] = [];
  let source: PostResult["source"] = "graphql";
  let previous = start.previousId;
  for (let i = start.position; i < item.tweets.length; i++) {
    let result: PostResult;
    try {
      result = await x.reply(previous, item.tweets[i]!, options, media[i]);
    } catch (error) {
      const e = toXbotError(error);
      throw ids.length === 0 ? e : new XbotError(e.code, e.message, { cause: e, details: { ...e.details, tweetIds: ids, posted: "unknown" } });
    }
    if (result.source === "dry") return result;
    ids.push(result.tweetIds[0]!);
    source = result.source;
    previous = result.tweetIds[0]!;
  }
  return { tweetIds: ids, source };
}

async function writeReceipt(ctx: PostingContext, item: QueueItem, attempt: Attempt, published: PostResult, start: ReceiptStart | undefined): Promise<PostOutcome> {
  const postedAt = new Date(ctx.clock.now());
  try {
    await retry(() => recordReceipt(ctx.db, item, { attemptId: attempt.id, tweetIds: published.tweetIds, postedAt, origin: "bot", ...(start ? { start } : {}) }), {
      attempts: 4,
      baseMs: 200,
      capMs: 3_000,
      deadlineAt: ctx.deadlineAt,
    });
  } catch (error) {
    const e = toXbotError(error);
    ctx.log.error("posted but the receipt could not be written; reconcile will record it", { itemId: item.id, tweetIds: published.tweetIds, error: e.toJSON() });
    return { result: "unknown", itemId: item.id, error: e };
  }
  return { result: "posted", itemId: item.id, tweetIds: published.tweetIds, source: published.source };
}

async function dryRun(ctx: PostingContext, item: QueueItem, attempt: Attempt): Promise<PostOutcome> {
  const at = new Date(ctx.clock.now());
  await closeAttempt(ctx.db, attempt, {
    status: "failed",
    errorCode: "dry_run",
    message: "dry mode: stopped before the final click",
    at,
    item: { to: "queued", dueAt: new Date(item.dueAt), refundAttempt: true },
  });
  return { result: "dry_run", itemId: item.id };
}

/**
 * Not posted only when X's own answer said so (`posted: false`, e.g. 226 or 429 in the
 * CreateTweet response), or when the failure came before the click. Anything after a click
 * without such an answer (a timeout, a crash, a closed page) is unknown.
 */
async function notPublished(ctx: PostingContext, item: QueueItem, attempt: Attempt, error: XbotError, clicked: boolean, resuming: boolean): Promise<PostOutcome> {
  const posted = error.details?.posted;
  if (posted !== false && (clicked || posted !== undefined)) {
    ctx.log.warn("outcome unknown: attempt left open for reconcile", { itemId: item.id, code: error.code, posted });
    return { result: "unknown", itemId: item.id, error };
  }
  const duplicateOnX = error.code === "validation" && error.details?.duplicate === true;
  if (duplicateOnX && item.attempts > 1) {
    ctx.log.warn("X says duplicate (187) for a retried item: it may be on X already; attempt left open for reconcile", { itemId: item.id });
    return { result: "unknown", itemId: item.id, error };
  }
  const at = new Date(ctx.clock.now());
  const exhausted = item.attempts >= item.maxAttempts || duplicateOnX || error.code === "validation";
  const later = new Date(at.getTime() + REQUEUE_DELAY_MS);
  // A partial thread keeps its receipts: it goes back to partial (claimPartial stops retrying it in time).
  const next = resuming ? ({ to: "partial", dueAt: later } as const) : exhausted ? ({ to: "failed" } as const) : ({ to: "queued", dueAt: later } as const);
  await closeAttempt(ctx.db, attempt, { status: "failed", errorCode: error.code, message: error.message, at, item: next });
  return { result: "not_posted", itemId: item.id, item: next.to, error };
}
