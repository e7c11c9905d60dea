/**
 * Mentions from `/notifications/mentions`: the page's NotificationsTimeline answer, else the
 * rendered articles. Our own tweets are left out; newest first.
 */
import type { Page } from "playwright-core";
import { XbotError } from "../../errors.js";
import { collectArticles, newestFirst, waitForArticles } from "../articles.js";
import { waitMsOf } from "../dom.js";
import { stateError, throwOnHardState } from "../states.js";
import type { MentionTweet, TimelineRead, XSite } from "../types.js";
import { openForRead } from "./answer.js";
import { oldest, timelineTweetOf } from "./convert.js";

/** Up to `n` tweets by other users that mention us or reply to us. */
export async function mentions(page: Page, site: XSite, n: number): Promise<TimelineRead> {
  const others = (t: MentionTweet): boolean => t.author.toLowerCase() !== site.user.toLowerCase();
  const { watch, answer } = await openForRead(page, site, "/notifications/mentions", "NotificationsTimeline");
  try {
    if (answer?.kind === "timeline") {
      const tweets = answer.page.items
        .map((i) => timelineTweetOf(i.tweet))
        .filter(others)
        .sort(newestFirst)
        .slice(0, n);
      return { tweets, source: "graphql", coveredSince: oldest(tweets.map((t) => t.time)), reachedEnd: answer.page.items.length === 0, unreadable: answer.page.unreadable };
    }
    await throwOnHardState(page, site, null);
    if (!(await waitForArticles(page, waitMsOf(site)))) {
      if ((await throwOnHardState(page, site, null)) === "throttled") throw stateError("throttled", site, null);
      throw new XbotError("page_unexpected", "the mentions page rendered no posts and no empty state", { details: { url: page.url() } });
    }
    const { kept, seen } = await collectArticles(page, n, others);
    return { tweets: kept, source: "dom", coveredSince: oldest(seen.map((t) => t.time)), reachedEnd: false, unreadable: 0 };
  } finally {
    watch.stop();
  }
}
