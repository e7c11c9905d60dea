/**
 * Where an open attempt's tweets are on X, decided only from reads that can prove it:
 * "absent" needs a successful, non-empty read with nothing unreadable that covers the
 * attempt's window; anything less is "inconclusive" and the attempt stays open. Threads are
 * found tweet by tweet: the root on our timeline, then each next tweet replying to the one
 * before in the root's conversation.
 */
import type { QueueItem } from "../db/queue.js";
import type { ReceiptStart } from "../db/posts.js";
import { toXbotError } from "../errors.js";
import type { XAccess } from "../x/access.js";
import { sameTweetText, type TimelineRead, type TimelineTweet } from "../x/index.js";

/** What X shows of an attempt. `tweetIds` continue the thread at `start` when given. */
export type Finding =
  | { readonly kind: "found" | "partial"; readonly tweetIds: string[]; readonly postedAt: Date | null; readonly start?: ReceiptStart }
  | { readonly kind: "absent" }
  | { readonly kind: "inconclusive"; readonly why: string };

/** An open attempt with what reconcile needs to know about it. */
export interface OpenAttempt {
  readonly startedAt: Date;
  readonly item: QueueItem;
  /** Ids already recorded for the item's thread (a partial thread being finished). */
  readonly done: readonly string[];
}

/** How far before an attempt's start a tweet may be dated (clock skew). */
export const SKEW_MS = 5 * 60_000;

/** Ids that may not be matched again: matched earlier in this pass, or already receipts in the database. */
export interface Claimed {
  readonly matched: ReadonlySet<string>;
  known(ids: readonly string[]): Promise<ReadonlySet<string>>;
}

/** Whether an id of this read is taken (one database look-up per read). */
type Taken = (id: string) => boolean;

async function takenIn(claimed: Claimed, read: TimelineRead): Promise<Taken> {
  const known = await claimed.known(read.tweets.map((t) => t.id));
  return (id) => known.has(id) || claimed.matched.has(id);
}

function isOurs(access: XAccess, t: TimelineTweet): boolean {
  return t.author.toLowerCase() === access.site.user.toLowerCase();
}

function inWindow(t: TimelineTweet, startedAt: Date): boolean {
  return !t.time || t.time.getTime() >= startedAt.getTime() - SKEW_MS;
}

/**
 * Can this read prove that a tweet posted after `startedAt` is NOT there? Only a successful
 * read with nothing unreadable that covers the window: it reaches back past `startedAt`, or
 * GraphQL says the timeline ends (a page of X's cursors only; a brand-new account's timeline
 * is that); an empty X API read covering the window does too (the API answers exactly). An
 * empty DOM read never proves anything: x.com renders nothing when it throttles.
 */
export function provesAbsence(read: TimelineRead, startedAt: Date): boolean {
  if (read.unreadable > 0) return false;
  const covers = read.reachedEnd || (read.coveredSince !== null && read.coveredSince.getTime() <= startedAt.getTime() - SKEW_MS);
  if (read.tweets.length === 0) return read.source === "graphql" ? read.reachedEnd : read.source === "api" && covers;
  return covers;
}

/** What a tweet of an item carries besides its text: its media count and the quoted tweet. */
interface Shape {
  readonly media: number;
  readonly quoteOf: string | null;
}

function shapeOf(item: QueueItem, index: number): Shape {
  return { media: item.media?.[index]?.length ?? 0, quoteOf: index === 0 ? (item.quoteOf ?? null) : null };
}

/** Same media count and quoted tweet, where the read knows them (a DOM read may not). */
function sameShape(t: TimelineTweet, shape: Shape): boolean {
  if (t.mediaCount !== null && t.mediaCount !== shape.media) return false;
  return t.quotedId === undefined || t.quotedId === null ? true : t.quotedId === shape.quoteOf;
}

/** The first tweet of ours in `read` showing `text` (and `shape`), replying to `parent` (null: a top-level tweet). */
function matchOne(access: XAccess, read: TimelineRead, text: string, parent: string | null, after: Date, taken: Taken, shape: Shape): TimelineTweet | undefined {
  const structured = read.source !== "dom";
  return read.tweets.find((t) => isOurs(access, t) && !taken(t.id) && inWindow(t, after) && sameTweetText(t, text) && sameShape(t, shape) && (!structured || t.inReplyTo === parent));
}

/** A single, or a thread's root, on our timeline. */
function findTop(access: XAccess, timeline: TimelineRead, attempt: OpenAttempt, taken: Taken): TimelineTweet | "absent" | "inconclusive" {
  const hit = matchOne(access, timeline, attempt.item.tweets[0] ?? "", null, attempt.startedAt, taken, shapeOf(attempt.item, 0));
  if (hit) return hit;
  return provesAbsence(timeline, attempt.startedAt) ? "absent" : "inconclusive";
}

/** The chain of our tweets after `previousId` showing `texts` in order (stops at the first missing one). */
function chainAfter(access: XAccess, read: TimelineRead, previousId: string, texts: readonly string[], after: Date, taken: Taken, shapes: readonly Shape[]): string[] {
  const ids: string[] = [];
  let prev = previousId;
  for (const [i, text] of texts.entries()) {
    const scope = read.source !== "dom" ? read : { ...read, tweets: read.tweets.slice(read.tweets.findIndex((t) => t.id === prev) + 1) };
    const next = matchOne(access, scope, text, prev, after, taken, shapes[i] ?? { media: 0, quoteOf: null });
    if (!next) break;
    ids.push(next.id);
    prev = next.id;
  }
  return ids;
}

/** A reply: in the target's conversation. A deleted target means the reply cannot be there. */
async function findReply(access: XAccess, attempt: OpenAttempt, claimed: Claimed): Promise<Finding> {
  const target = attempt.item.inReplyTo;
  if (!target) return { kind: "inconclusive", why: "reply item without a target" };
  let read: TimelineRead;
  try {
    read = await access.x.use("reconcile:conversation", (x) => x.conversation(target));
  } catch (error) {
    if (toXbotError(error).code === "x_tweet_deleted") return { kind: "absent" };
    throw error;
  }
  const hit = matchOne(access, read, attempt.item.tweets[0] ?? "", target, attempt.startedAt, await takenIn(claimed, read), shapeOf(attempt.item, 0));
  if (hit) return { kind: "found", tweetIds: [hit.id], postedAt: hit.time };
  const complete = read.unreadable === 0 && read.tweets.some((t) => t.id === target);
  return complete ? { kind: "absent" } : { kind: "inconclusive", why: "the target's conversation could not be read completely" };
}

/** A thread: the root (known, or on our timeline), then tweet by tweet in its conversation. */
async function findThread(access: XAccess, timeline: TimelineRead, attempt: OpenAttempt, claimed: Claimed): Promise<Finding> {
  const { item, done } = attempt;
  let rootId = done[0];
  let postedAt: Date | null = null;
  if (!rootId) {
    const top = findTop(access, timeline, attempt, await takenIn(claimed, timeline));
    if (top === "absent") return { kind: "absent" };
    if (top === "inconclusive") return { kind: "inconclusive", why: "our timeline could not be read back to the attempt" };
    rootId = top.id;
    postedAt = top.time;
  }
  const read = await access.x.use("reconcile:thread", (x) => x.conversation(rootId));
  const from = Math.max(done.length, 1);
  const previousId = done.at(-1) ?? rootId;
  const shapes = item.tweets.map((_, i) => shapeOf(item, i)).slice(from);
  const rest = chainAfter(access, read, previousId, item.tweets.slice(from), attempt.startedAt, await takenIn(claimed, read), shapes);
  const ids = done.length > 0 ? rest : [rootId, ...rest];
  const start = done.length > 0 ? { start: { position: done.length, previousId, rootId } } : {};
  if (from + rest.length >= item.tweets.length) return { kind: "found", tweetIds: ids, postedAt, ...start };
  if (read.unreadable > 0 || !read.tweets.some((t) => t.id === rootId)) return { kind: "inconclusive", why: "the thread's conversation could not be read completely" };
  if (ids.length === 0) return { kind: "absent" };
  return { kind: "partial", tweetIds: ids, postedAt, ...start };
}

/** What X shows of `attempt` (see the module doc). Read errors propagate: the attempt stays open. */
export async function findOnX(access: XAccess, timeline: TimelineRead, attempt: OpenAttempt, claimed: Claimed): Promise<Finding> {
  if (attempt.item.kind === "reply") return findReply(access, attempt, claimed);
  if (attempt.item.kind === "thread") return findThread(access, timeline, attempt, claimed);
  const top = findTop(access, timeline, attempt, await takenIn(claimed, timeline));
  if (top === "absent") return { kind: "absent" };
  if (top === "inconclusive") return { kind: "inconclusive", why: "our timeline could not be read back to the attempt" };
  return { kind: "found", tweetIds: [top.id], postedAt: top.time };
}
