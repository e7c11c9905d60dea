/**
 * Ways to learn a new tweet's id when the CreateTweet answer could not be read, weakest last:
 * the page URL, the toast's "View" link, then our newest matching tweet on a timeline.
 * Each only accepts a link to a status of OUR user, and never one of `exclude` (e.g. the reply target).
 */
import type { Page } from "playwright-core";
import { newestFirst } from "./articles.js";
import { parseStatusHref, waitVisible } from "./dom.js";
import { conversation } from "./read/conversation.js";
import { recentTimeline } from "./read/timeline.js";
import { SEL } from "./selectors.js";
import { sameTweetText } from "./text.js";
import type { XSite } from "./types.js";

/** What the fallbacks need to know about the post. */
export interface FallbackContext {
  /** The page URL right before the click (a URL fallback needs a change). */
  readonly urlBefore: string;
  /** Ids that are not the new tweet (the reply target). */
  readonly exclude: readonly string[];
}

function ownId(site: XSite, href: string | null, exclude: readonly string[]): string | null {
  const status = parseStatusHref(href);
  if (!status || status.author.toLowerCase() !== site.user.toLowerCase()) return null;
  return exclude.includes(status.id) ? null : status.id;
}

/** The id in the current URL (`/<user>/status/<id>`), if the page navigated there after the click. */
export function idFromUrl(page: Page, site: XSite, ctx: FallbackContext): string | null {
  const url = page.url();
  return url === ctx.urlBefore ? null : ownId(site, url, ctx.exclude);
}

/** The id in the toast's View link, waiting up to `waitMs` for it. */
export async function idFromToast(page: Page, site: XSite, ctx: FallbackContext, waitMs: number): Promise<string | null> {
  const link = await waitVisible(page, SEL.toastStatusLink, waitMs);
  return link ? ownId(site, await link.getAttribute("href"), ctx.exclude) : null;
}

/**
 * Reads our profile (or, for a reply, the conversation replied to) with the GraphQL-first
 * readers and returns the newest tweet of ours showing `text`, or null. Navigates away from
 * the composer.
 */
export async function idFromTimeline(page: Page, site: XSite, ctx: FallbackContext, text: string, replyTo?: string): Promise<string | null> {
  const read = replyTo ? await conversation(page, site, replyTo) : await recentTimeline(page, site, site.user, { max: 10 });
  const mine = read.tweets.filter(
    (t) => t.author.toLowerCase() === site.user.toLowerCase() && !ctx.exclude.includes(t.id) && sameTweetText(t, text) && (!replyTo || read.source !== "graphql" || t.inReplyTo === replyTo),
  );
  return mine.sort(newestFirst)[0]?.id ?? null;
}
