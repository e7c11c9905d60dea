/**
 * A conversation from a status page: the page's TweetDetail answer (ancestors, the focal
 * tweet, reply branches with the authors' self-replies, each with `inReplyTo`), else the
 * rendered articles in page order (no `inReplyTo`). A missing focal tweet → `x_tweet_deleted`.
 */
import type { Page } from "playwright-core";
import { XbotError } from "../../errors.js";
import { collectArticles, waitForArticles } from "../articles.js";
import { waitMsOf } from "../dom.js";
import { stateError, throwOnHardState } from "../states.js";
import type { TimelineRead, TimelineTweet, XSite } from "../types.js";
import { openForRead } from "./answer.js";
import { oldest, timelineTweetOf } from "./convert.js";

const MAX_DOM_TWEETS = 60;

/** Every tweet of the conversation around `tweetId`, in the page's order. */
export async function conversation(page: Page, site: XSite, tweetId: string): Promise<TimelineRead> {
  if (!/^\d{1,20}$/.test(tweetId)) throw new XbotError("validation", `not a tweet id: ${tweetId}`);
  const { watch, answer } = await openForRead(page, site, `/i/status/${tweetId}`, "TweetDetail");
  try {
    if (answer?.kind === "errors") throw new XbotError("x_tweet_deleted", `tweet ${tweetId} is deleted or does not exist`, { details: { tweetId } });
    if (answer?.kind === "timeline") {
      const tweets = dedupe(answer.page.items.map((i) => timelineTweetOf(i.tweet)));
      if (!tweets.some((t) => t.id === tweetId) && answer.page.tombstones.includes(tweetId)) {
        throw new XbotError("x_tweet_deleted", `tweet ${tweetId} is deleted`, { details: { tweetId } });
      }
      return { tweets, source: "graphql", coveredSince: oldest(tweets.map((t) => t.time)), reachedEnd: true, unreadable: answer.page.unreadable };
    }
    return await fromDom(page, site, tweetId);
  } finally {
    watch.stop();
  }
}

function dedupe(tweets: TimelineTweet[]): TimelineTweet[] {
  const seen = new Set<string>();
  return tweets.filter((t) => !seen.has(t.id) && seen.add(t.id));
}

async function fromDom(page: Page, site: XSite, tweetId: string): Promise<TimelineRead> {
  await throwOnHardState(page, site, null);
  if (!(await waitForArticles(page, waitMsOf(site)))) {
    if ((await throwOnHardState(page, site, null)) === "throttled") throw stateError("throttled", site, null);
    throw new XbotError("page_unexpected", `the conversation of ${tweetId} rendered no posts`, { details: { tweetId, url: page.url() } });
  }
  const { seen } = await collectArticles(page, MAX_DOM_TWEETS, () => true);
  return { tweets: seen, source: "dom", coveredSince: oldest(seen.map((t) => t.time)), reachedEnd: false, unreadable: 0 };
}
