/**
 * The DOM fallback: reading rendered `article[data-testid="tweet"]` lists (profile, mentions,
 * conversations), scrolling for more. Used when the page's GraphQL answer is missing or in
 * a shape we do not know. Text keeps emoji and leaves out "Show more"; counters follow the
 * real markup's quirks (lib/x/dom-metrics.ts).
 */
import type { Locator, Page } from "playwright-core";
import { XbotError } from "../errors.js";
import { metricsFromArticle } from "./dom-metrics.js";
import { parseStatusHref, sleep } from "./dom.js";
import { inPage, READ_ARTICLES_JS, type RawArticle } from "./in-page.js";
import { anyOf, METRIC_BUTTONS, SEL, statusTimeOf } from "./selectors.js";
import type { TimelineTweet } from "./types.js";

const SCROLL_PAUSE_MS = 700;
const MAX_STALE_SCROLLS = 3;

const ARTICLE_ARG = {
  article: anyOf(SEL.article),
  text: anyOf(SEL.tweetText),
  time: anyOf(SEL.statusTime),
  showMore: anyOf(SEL.showMore),
  media: anyOf(SEL.media),
  buttons: { ...METRIC_BUTTONS },
  views: SEL.views,
};

/** Raw facts of every tweet article in the DOM, in page order. */
export async function readRawArticles(page: Page): Promise<RawArticle[]> {
  return (await page.evaluate(inPage(READ_ARTICLES_JS, ARTICLE_ARG))) as RawArticle[];
}

/** One raw article as a timeline tweet (null without a status link). */
function tweetOfArticle(raw: RawArticle): TimelineTweet | null {
  const status = parseStatusHref(raw.href);
  if (!status) return null;
  const ms = raw.datetime ? Date.parse(raw.datetime) : NaN;
  return {
    id: status.id,
    author: status.author,
    text: raw.text,
    truncated: raw.truncated,
    time: Number.isFinite(ms) ? new Date(ms) : null,
    inReplyTo: null,
    mediaCount: raw.media,
    metrics: metricsFromArticle(raw),
  };
}

/** Every tweet article currently in the DOM, in page order (deduplicated by id). */
export async function readArticles(page: Page): Promise<TimelineTweet[]> {
  const out = new Map<string, TimelineTweet>();
  for (const raw of await readRawArticles(page)) {
    const tweet = tweetOfArticle(raw);
    if (tweet && !out.has(tweet.id)) out.set(tweet.id, tweet);
  }
  return [...out.values()];
}

/** Waits until an article (or x.com's empty-state block) is in the DOM; false on timeout. */
export async function waitForArticles(page: Page, timeoutMs: number): Promise<boolean> {
  const target = page.locator(`${anyOf(SEL.article)}, [data-testid="emptyState"]`).first();
  try {
    await target.waitFor({ state: "attached", timeout: timeoutMs });
    return true;
  } catch {
    return false;
  }
}

/** Newest first: by time when both have one, else by id (snowflakes grow with time). */
export function newestFirst(a: { id: string; time: Date | null }, b: { id: string; time: Date | null }): number {
  if (a.time && b.time && a.time.getTime() !== b.time.getTime()) return b.time.getTime() - a.time.getTime();
  const d = BigInt(b.id) - BigInt(a.id);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/**
 * Scrolls to the end of what is rendered, then turns the mouse wheel over the middle of the
 * page: the wheel event fires even at the bottom (where a scripted scroll changes nothing),
 * and x.com loads more on it.
 */
export async function scrollDown(page: Page): Promise<void> {
  await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)");
  const size = page.viewportSize() ?? { width: 1280, height: 720 };
  await page.mouse.move(size.width / 2, size.height / 2);
  await page.mouse.wheel(0, size.height);
}

/** What scrolling collected: the kept tweets, and every tweet seen (for coverage). */
export interface Collected {
  readonly kept: TimelineTweet[];
  readonly seen: TimelineTweet[];
}

/** Collects articles passing `keep`, scrolling while the list grows, until `enough(seen)` or `n` kept. */
export async function collectArticles(page: Page, n: number, keep: (a: TimelineTweet) => boolean, enough: (seen: TimelineTweet[]) => boolean = () => false): Promise<Collected> {
  const seen = new Map<string, TimelineTweet>();
  let stale = 0;
  for (;;) {
    const before = seen.size;
    for (const a of await readArticles(page)) if (!seen.has(a.id)) seen.set(a.id, a);
    const all = [...seen.values()];
    if (all.filter(keep).length >= n || enough(all)) break;
    stale = seen.size === before ? stale + 1 : 0;
    if (stale >= MAX_STALE_SCROLLS) break;
    await scrollDown(page);
    await sleep(SCROLL_PAUSE_MS);
  }
  const all = [...seen.values()];
  return { kept: all.filter(keep).sort(newestFirst).slice(0, n), seen: all };
}

/**
 * The article of tweet `id` (the one whose time link points at `/status/<id>`), once rendered.
 * A deleted tweet (tombstone, or the article never appears next to one) → `x_tweet_deleted`.
 */
export async function articleOf(page: Page, id: string, timeoutMs: number): Promise<Locator> {
  const article = page
    .locator(anyOf(SEL.article))
    .filter({ has: page.locator(anyOf(statusTimeOf(id))) })
    .first();
  try {
    await article.waitFor({ state: "visible", timeout: timeoutMs });
    return article;
  } catch (error) {
    const deleted = (await page.locator(anyOf([...SEL.tombstone, ...SEL.errorDetail])).count()) > 0;
    if (deleted) throw new XbotError("x_tweet_deleted", `tweet ${id} is deleted`, { details: { tweetId: id } });
    throw new XbotError("page_unexpected", `tweet ${id} did not render`, { cause: error, details: { tweetId: id, url: page.url() } });
  }
}
