/** Reading `article[data-testid="tweet"]` lists (profile, mentions, conversations), scrolling for more. */
import type { Locator, Page } from "playwright-core";
import { XbotError } from "../errors.js";
import { firstSelectorWithMatch, parseStatusHref, sleep } from "./dom.js";
import { anyOf, SEL, statusTimeOf } from "./selectors.js";

/** One tweet as read from its article. */
export interface ArticleData {
  readonly id: string;
  /** Author handle from the tweet's own status link. */
  readonly author: string;
  readonly text: string;
  readonly time: Date | null;
}

interface RawArticle {
  href: string | null;
  text: string;
  datetime: string | null;
}

const SCROLL_PAUSE_MS = 700;
const MAX_STALE_SCROLLS = 2;

/** Every tweet article currently in the DOM, in page order (deduplicated by id). */
export async function readArticles(page: Page): Promise<ArticleData[]> {
  const selector = await firstSelectorWithMatch(page, SEL.article);
  if (!selector) return [];
  const raw: RawArticle[] = await page.locator(selector).evaluateAll(
    (els, sel) =>
      els.map((el) => {
        const time = el.querySelector(sel.time);
        const textEl = el.querySelector(sel.text) as HTMLElement | null;
        return {
          href: time?.closest("a")?.getAttribute("href") ?? null,
          text: textEl ? textEl.innerText : "",
          datetime: time?.getAttribute("datetime") ?? null,
        };
      }),
    { time: anyOf(SEL.statusTime), text: anyOf(SEL.tweetText) },
  );
  const out = new Map<string, ArticleData>();
  for (const r of raw) {
    const status = parseStatusHref(r.href);
    if (!status || out.has(status.id)) continue;
    const ms = r.datetime ? Date.parse(r.datetime) : NaN;
    out.set(status.id, { ...status, text: r.text, time: Number.isFinite(ms) ? new Date(ms) : null });
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
export function newestFirst(a: ArticleData, b: ArticleData): number {
  if (a.time && b.time && a.time.getTime() !== b.time.getTime()) return b.time.getTime() - a.time.getTime();
  const d = BigInt(b.id) - BigInt(a.id);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/** Collects up to `n` articles passing `keep`, scrolling while the list keeps growing. */
export async function collectArticles(page: Page, n: number, keep: (a: ArticleData) => boolean): Promise<ArticleData[]> {
  const seen = new Map<string, ArticleData>();
  let stale = 0;
  while (n > 0) {
    const before = seen.size;
    for (const a of await readArticles(page)) if (keep(a) && !seen.has(a.id)) seen.set(a.id, a);
    if (seen.size >= n) break;
    stale = seen.size === before ? stale + 1 : 0;
    if (stale >= MAX_STALE_SCROLLS) break;
    await page.evaluate(() => window.scrollBy(0, window.innerHeight * 2));
    await sleep(SCROLL_PAUSE_MS);
  }
  return [...seen.values()].sort(newestFirst).slice(0, n);
}

/**
 * The article of tweet `id` (the one whose time link points at `/status/<id>`), once rendered.
 * A deleted tweet (tombstone, or the article never appears next to one) → `x_tweet_deleted`.
 */
export async function articleOf(page: Page, id: string, timeoutMs: number): Promise<Locator> {
  const article = page.locator(anyOf(SEL.article)).filter({ has: page.locator(anyOf(statusTimeOf(id))) }).first();
  try {
    await article.waitFor({ state: "visible", timeout: timeoutMs });
    return article;
  } catch (error) {
    const deleted = (await page.locator(anyOf(SEL.tombstone)).count()) > 0;
    if (deleted) throw new XbotError("x_tweet_deleted", `tweet ${id} is deleted`, { details: { tweetId: id } });
    throw new XbotError("page_unexpected", `tweet ${id} did not render`, { cause: error, details: { tweetId: id, url: page.url() } });
  }
}
