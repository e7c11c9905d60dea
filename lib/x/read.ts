/**
 * Reading x.com: a tweet's metrics, a profile's followers, a profile timeline and mentions.
 * Every read opens its page itself and runs {@link detectWall} first.
 */
import type { Locator, Page } from "playwright-core";
import { XbotError } from "../errors.js";
import { articleOf, collectArticles, waitForArticles } from "./articles.js";
import { countInText, parseCount } from "./counts.js";
import { detectWall } from "./detect.js";
import { firstAttachedNow, navigate, urlOf, waitMsOf, waitVisible } from "./dom.js";
import { anyOf, followerLinks, METRIC_BUTTONS, SEL } from "./selectors.js";
import type { MentionTweet, MetricName, TimelineTweet, TweetMetrics, XSite } from "./types.js";

type Counter = { value: number; approximate: boolean };

async function openChecked(page: Page, site: XSite, path: string): Promise<void> {
  await navigate(page, urlOf(site, path));
  await detectWall(page, { waitMs: waitMsOf(site) });
}

/** Exact count from the aria-label; else the visible text (approximate when abbreviated, e.g. "8.4K"). */
async function readCounter(el: Locator, name: MetricName): Promise<Counter> {
  const label = await el.getAttribute("aria-label");
  const exact = label === null ? null : countInText(label);
  if (exact !== null) return { value: exact, approximate: false };
  const shown = await el.locator(anyOf(SEL.visibleCount)).first().textContent({ timeout: 1_000 }).catch(() => "");
  const text = (shown ?? "").trim();
  const value = parseCount(text);
  if (value === null) throw new XbotError("page_unexpected", `unreadable ${name} count "${text}"`, { details: { label } });
  return { value, approximate: /[kmb]/i.test(text) };
}

async function counterIn(scope: Locator, list: readonly string[], name: MetricName): Promise<Counter | null> {
  const el = await firstAttachedNow(scope, list);
  return el ? readCounter(el, name) : null;
}

/**
 * Metrics of tweet `tweetId` from `${baseUrl}/i/web/status/<id>`: exact counts from the action
 * buttons' aria-labels, falling back to the visible (abbreviated) text, listed in `approximate`.
 * No views link (old tweets) → views 0, listed in `approximate`. Deleted → `x_tweet_deleted`.
 */
export async function readMetrics(page: Page, site: XSite, tweetId: string): Promise<TweetMetrics> {
  if (!/^\d{1,20}$/.test(tweetId)) throw new XbotError("validation", `not a tweet id: ${tweetId}`);
  await openChecked(page, site, `/i/web/status/${tweetId}`);
  const article = await articleOf(page, tweetId, waitMsOf(site));
  const bar = (await firstAttachedNow(article, SEL.actionBar)) ?? article;
  const approximate: MetricName[] = [];
  const values: Record<MetricName, number> = { likes: 0, replies: 0, reposts: 0, bookmarks: 0, views: 0 };
  for (const name of ["replies", "reposts", "likes", "bookmarks"] as const) {
    const c = await counterIn(bar, METRIC_BUTTONS[name], name);
    if (!c) throw new XbotError("page_unexpected", `no ${name} button on tweet ${tweetId}`, { details: { tweetId } });
    values[name] = c.value;
    if (c.approximate) approximate.push(name);
  }
  const views = await counterIn(article, SEL.views, "views");
  values.views = views?.value ?? 0;
  if (!views || views.approximate) approximate.push("views");
  return { ...values, approximate };
}

/** Followers of `user` from the profile: the largest count among its followers / verified_followers links. */
export async function readFollowers(page: Page, site: XSite, user: string): Promise<number> {
  await openChecked(page, site, `/${user}`);
  const links = followerLinks(user);
  await waitVisible(page, links, waitMsOf(site));
  const counts: number[] = [];
  for (const selector of links) {
    for (const text of await page.locator(selector).allInnerTexts()) {
      const n = countInText(text);
      if (n !== null) counts.push(n);
    }
  }
  if (counts.length === 0) throw new XbotError("page_unexpected", `no follower count on @${user}'s profile`, { details: { user } });
  return Math.max(...counts);
}

/** Up to `n` of `user`'s own tweets on the profile (reposts of others skipped), newest first. */
export async function recentTimeline(page: Page, site: XSite, user: string, n: number): Promise<TimelineTweet[]> {
  await openChecked(page, site, `/${user}`);
  if (!(await waitForArticles(page, waitMsOf(site)))) return [];
  const own = await collectArticles(page, n, (a) => a.author.toLowerCase() === user.toLowerCase());
  return own.map(({ id, text, time }) => ({ id, text, time }));
}

/** Our own tweets on the conversation page of `tweetId` (replies xbot may have posted), newest first. */
export async function conversationReplies(page: Page, site: XSite, tweetId: string, n: number): Promise<TimelineTweet[]> {
  await openChecked(page, site, `/i/status/${tweetId}`);
  if (!(await waitForArticles(page, waitMsOf(site)))) return [];
  const own = await collectArticles(page, n, (a) => a.id !== tweetId && a.author.toLowerCase() === site.user.toLowerCase());
  return own.map(({ id, text, time }) => ({ id, text, time }));
}

/** Up to `n` tweets from `/notifications/mentions` by other users, newest first. */
export async function mentions(page: Page, site: XSite, n: number): Promise<MentionTweet[]> {
  await openChecked(page, site, "/notifications/mentions");
  if (!(await waitForArticles(page, waitMsOf(site)))) return [];
  const others = await collectArticles(page, n, (a) => a.author.toLowerCase() !== site.user.toLowerCase());
  return others.map(({ id, author, text, time }) => ({ id, author, text, time }));
}
