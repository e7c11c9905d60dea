/**
 * A profile's own posts, newest first: from the page's UserTweets answers while scrolling
 * (about 20 posts an answer, exact counts and whole texts), else from the rendered articles.
 * Reposts and other authors are left out; a pinned post is kept but does not count for
 * coverage. The read says how far back it is complete ({@link TimelineRead}).
 */
import type { Page } from "playwright-core";
import { XbotError } from "../../errors.js";
import { collectArticles, newestFirst, scrollDown, waitForArticles } from "../articles.js";
import { sleep, waitMsOf } from "../dom.js";
import type { TimelineItem, TimelinePage } from "../graphql/timeline.js";
import type { GraphqlWatch } from "../graphql/watch.js";
import { stateError, throwOnHardState } from "../states.js";
import type { TimelineRead, TimelineTweet, XSite } from "../types.js";
import { openForRead } from "./answer.js";
import { oldest, timelineTweetOf } from "./convert.js";

/** How much of the timeline to read. */
export interface TimelineOptions {
  /** At most this many posts. */
  readonly max: number;
  /** Read back until the timeline is complete down to this time (if `max` allows). */
  readonly since?: Date;
}

const SCROLL_SETTLE_MS = 400;

function covered(coveredSince: Date | null, since: Date | undefined): boolean {
  return since !== undefined && coveredSince !== null && coveredSince <= since;
}

type Acc = { items: TimelineItem[]; unreadable: number; reachedEnd: boolean };

/** An answer without any entry (not even X's cursors) is counted unreadable: it proves nothing. */
function addPage(acc: Acc, page: TimelinePage): void {
  acc.items.push(...page.items);
  acc.unreadable += page.entries === 0 ? 1 : page.unreadable;
  if (page.entries > 0 && page.items.length === 0 && page.unreadable === 0) acc.reachedEnd = true;
}

/** Scrolls for the next UserTweets answer; false when none came (or it was not a timeline). */
async function nextPage(page: Page, site: XSite, watch: GraphqlWatch, acc: Acc): Promise<boolean> {
  const before = watch.seen("UserTweets").length;
  await scrollDown(page);
  await sleep(SCROLL_SETTLE_MS);
  const seen = await watch.next("UserTweets", waitMsOf(site), before);
  if (seen?.answer.kind !== "timeline") return false;
  addPage(acc, seen.answer.page);
  return true;
}

function ownOf(acc: Acc, user: string): TimelineTweet[] {
  const out = new Map<string, TimelineTweet>();
  for (const { tweet } of acc.items) {
    if (tweet.isRepost || tweet.author?.toLowerCase() !== user.toLowerCase() || out.has(tweet.id)) continue;
    out.set(tweet.id, timelineTweetOf(tweet));
  }
  return [...out.values()].sort(newestFirst);
}

async function fromGraphql(page: Page, site: XSite, watch: GraphqlWatch, first: TimelinePage, user: string, opts: TimelineOptions): Promise<TimelineRead> {
  const acc: Acc = { items: [], unreadable: 0, reachedEnd: false };
  addPage(acc, first);
  const since = (): Date | null => oldest(acc.items.filter((i) => !i.pinned).map((i) => i.tweet.createdAt));
  while (!acc.reachedEnd && ownOf(acc, user).length < opts.max && (opts.since === undefined || !covered(since(), opts.since))) {
    if (!(await nextPage(page, site, watch, acc))) break;
  }
  const own = ownOf(acc, user);
  const tweets = own.slice(0, opts.max);
  const cut = own.length > opts.max;
  return { tweets, source: "graphql", coveredSince: cut ? oldest(tweets.map((t) => t.time)) : since(), reachedEnd: acc.reachedEnd && !cut, unreadable: acc.unreadable };
}

async function fromDom(page: Page, site: XSite, user: string, opts: TimelineOptions): Promise<TimelineRead> {
  await throwOnHardState(page, site, user);
  if (!(await waitForArticles(page, waitMsOf(site)))) {
    if ((await throwOnHardState(page, site, user)) === "throttled") throw stateError("throttled", site, user);
    throw new XbotError("page_unexpected", `@${user}'s timeline rendered no posts and no empty state`, { details: { user, url: page.url() } });
  }
  const mine = (a: TimelineTweet): boolean => a.author.toLowerCase() === user.toLowerCase() && !/^RT @/.test(a.text);
  const enough = (seen: TimelineTweet[]): boolean => covered(oldest(seen.map((t) => t.time)), opts.since);
  const { kept, seen } = await collectArticles(page, opts.max, mine, enough);
  const coveredSince = kept.length >= opts.max ? oldest(kept.map((t) => t.time)) : oldest(seen.map((t) => t.time));
  return { tweets: kept, source: "dom", coveredSince, reachedEnd: false, unreadable: 0 };
}

/** The exact follower count of the profile's UserByScreenName answer on this visit, or null. */
function profileFollowers(watch: GraphqlWatch): number | null {
  for (const seen of [...watch.seen("UserByScreenName")].reverse()) {
    if (seen.answer.kind === "user" && seen.answer.user.kind === "user" && seen.answer.user.user.followers !== null) return seen.answer.user.user.followers;
  }
  return null;
}

/** `user`'s own recent posts from `${baseUrl}/<user>` (see the module doc), with the profile's follower count when the visit showed it. */
export async function recentTimeline(page: Page, site: XSite, user: string, opts: TimelineOptions): Promise<TimelineRead> {
  const { watch, answer } = await openForRead(page, site, `/${user}`, "UserTweets", user);
  try {
    if (answer?.kind === "user") {
      const reason = answer.user.kind === "unavailable" ? answer.user.reason : "unreadable";
      throw /suspend/i.test(reason) ? stateError("suspended", site, user) : new XbotError("not_found", `@${user} is not available (${reason})`, { details: { user, reason } });
    }
    const read = answer?.kind === "timeline" ? await fromGraphql(page, site, watch, answer.page, user, opts) : await fromDom(page, site, user, opts);
    const followers = profileFollowers(watch);
    return followers === null ? read : { ...read, profileFollowers: followers };
  } finally {
    watch.stop();
  }
}
