/**
 * The click and what follows: watch CreateTweet (registered before the click), read each new
 * id from its answer, fall back to URL → toast → timeline when an answer cannot be read, and
 * never invent an id: when none can be established the error says `posted: "unknown"`.
 */
import type { Locator, Page } from "playwright-core";
import { XbotError } from "../errors.js";
import { watchCreateTweet, type CreateTweetEvent, type CreateTweetWatcher } from "./capture.js";
import { enabledPostButton, type Composer } from "./composer.js";
import { classifyCreateTweetResponse } from "./create-tweet.js";
import { throwIfAborted, withDetails } from "./dom.js";
import { idFromTimeline, idFromToast, idFromUrl, type FallbackContext } from "./fallback.js";
import type { PostOptions, PostResult, PostSource, XSite } from "./types.js";

/** What is being posted. */
export interface Submission {
  /** One text per tweet (one for a post or reply). */
  readonly texts: readonly string[];
  /** The tweet replied to, for replies. */
  readonly replyTo?: string;
}

const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;
const DEFAULT_FALLBACK_WAIT_MS = 5_000;

type Collected = { ids: Array<string | null>; timedOut: boolean };

function progress(ids: Array<string | null>): Record<string, unknown> {
  return { tweetIds: ids.filter((id): id is string => id !== null), posted: ids.length === 0 ? false : "partial" };
}

function unknownOutcome(code: "page_timeout" | "page_unexpected", message: string, ids: Array<string | null>): XbotError {
  return new XbotError(code, message, { details: { ...progress(ids), posted: "unknown" } });
}

/** The id of one CreateTweet event; null when the answer was unreadable. Throws the classified error. */
function idOfEvent(ev: CreateTweetEvent, ids: Array<string | null>): string | null {
  if (ev.kind === "aborted") throw new XbotError("deadline", "aborted while waiting for CreateTweet", { details: { ...progress(ids), posted: "unknown" } });
  if (ev.kind === "failed") throw unknownOutcome("page_unexpected", `CreateTweet request failed: ${ev.error}`, ids);
  if (ev.kind === "timeout") return null;
  if (ev.json === undefined) return null;
  try {
    return classifyCreateTweetResponse(ev.status, ev.json).restId;
  } catch (error) {
    if (error instanceof XbotError && error.details?.posted === "unknown") return null;
    throw error instanceof XbotError ? withDetails(error, progress(ids)) : error;
  }
}

async function collect(watcher: CreateTweetWatcher, sub: Submission, opts: PostOptions): Promise<Collected> {
  const ids: Array<string | null> = [];
  for (let i = 0; i < sub.texts.length; i++) {
    const ev = await watcher.next(opts.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS, opts.signal);
    if (ev.kind === "timeout") return { ids, timedOut: true };
    ids.push(idOfEvent(ev, ids));
  }
  return { ids, timedOut: false };
}

/** URL, then toast: the fallbacks that do not navigate. */
async function onPageId(page: Page, site: XSite, ctx: FallbackContext, waitMs: number): Promise<{ id: string; source: PostSource } | null> {
  const fromUrl = idFromUrl(page, site, ctx);
  if (fromUrl) return { id: fromUrl, source: "url" };
  const fromToast = await idFromToast(page, site, ctx, waitMs);
  return fromToast ? { id: fromToast, source: "toast" } : null;
}

/** Fills a missing FIRST id (URL → toast → timeline); a missing later thread id cannot be recovered. */
async function fillMissing(page: Page, site: XSite, sub: Submission, ctx: FallbackContext, ids: Array<string | null>, waitMs: number): Promise<PostResult> {
  if (ids.slice(1).some((id) => id === null)) throw unknownOutcome("page_unexpected", "a thread tweet's id could not be read", ids);
  if (ids[0] !== null) return { tweetIds: ids as string[], source: "graphql" };
  let found = await onPageId(page, site, ctx, waitMs);
  if (!found) {
    const id = await idFromTimeline(page, site, ctx, sub.texts[0] ?? "", sub.replyTo);
    found = id ? { id, source: "timeline" } : null;
  }
  if (!found) throw unknownOutcome("page_unexpected", "posted, but no tweet id could be established", ids);
  return { tweetIds: [found.id, ...(ids.slice(1) as string[])], source: found.source };
}

/** Clicks; a failed click may or may not have reached the page, so it counts as "maybe posted". */
async function clickPost(button: Locator): Promise<void> {
  try {
    await button.click();
  } catch (error) {
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new XbotError("page_unexpected", `clicking the post button failed: ${message}`, { cause: error, details: { posted: "unknown" } });
  }
}

/** Clicks the post button of `composer` and establishes the new ids (see the module doc). */
export async function submitPost(page: Page, site: XSite, composer: Composer, sub: Submission, opts: PostOptions): Promise<PostResult> {
  const button = await enabledPostButton(composer, site);
  if (opts.dryRun) return { tweetIds: [], source: "dry" };
  throwIfAborted(opts.signal, false);
  const ctx: FallbackContext = { urlBefore: page.url(), exclude: sub.replyTo ? [sub.replyTo] : [] };
  const waitMs = opts.fallbackWaitMs ?? DEFAULT_FALLBACK_WAIT_MS;
  const watcher = watchCreateTweet(page);
  let collected: Collected;
  try {
    await clickPost(button);
    await opts.onClicked?.();
    collected = await collect(watcher, sub, opts);
  } finally {
    watcher.stop();
  }
  const { ids, timedOut } = collected;
  if (timedOut) {
    const found = sub.texts.length === 1 ? await onPageId(page, site, ctx, waitMs) : null;
    if (found) return { tweetIds: [found.id], source: found.source };
    throw unknownOutcome("page_timeout", "clicked post, but no CreateTweet answer arrived in time", ids);
  }
  return fillMissing(page, site, sub, ctx, ids, waitMs);
}
