/**
 * A tweet's counters from its status page: the page's TweetDetail answer (exact), else the
 * rendered article (lib/x/dom-metrics.ts). Deleted → `x_tweet_deleted`.
 */
import type { Page } from "playwright-core";
import { XbotError } from "../../errors.js";
import { articleOf, readRawArticles } from "../articles.js";
import { metricsFromArticle } from "../dom-metrics.js";
import { parseStatusHref, waitMsOf } from "../dom.js";
import { throwOnHardState } from "../states.js";
import type { TweetMetrics, XSite } from "../types.js";
import { openForRead } from "./answer.js";
import { metricsOfTweet } from "./convert.js";

function deleted(tweetId: string): XbotError {
  return new XbotError("x_tweet_deleted", `tweet ${tweetId} is deleted or does not exist`, { details: { tweetId } });
}

/** Metrics of tweet `tweetId` from `${baseUrl}/i/web/status/<id>`; see {@link TweetMetrics} for exactness. */
export async function readMetrics(page: Page, site: XSite, tweetId: string): Promise<TweetMetrics> {
  if (!/^\d{1,20}$/.test(tweetId)) throw new XbotError("validation", `not a tweet id: ${tweetId}`);
  const { watch, answer } = await openForRead(page, site, `/i/web/status/${tweetId}`, "TweetDetail");
  try {
    if (answer?.kind === "errors") throw deleted(tweetId);
    if (answer?.kind === "timeline") {
      const hit = answer.page.items.find((i) => i.tweet.id === tweetId);
      if (hit) return metricsOfTweet(hit.tweet);
      if (answer.page.tombstones.includes(tweetId)) throw deleted(tweetId);
    }
    return await domMetrics(page, site, tweetId);
  } finally {
    watch.stop();
  }
}

async function domMetrics(page: Page, site: XSite, tweetId: string): Promise<TweetMetrics> {
  await throwOnHardState(page, site, null);
  await articleOf(page, tweetId, waitMsOf(site));
  const raw = (await readRawArticles(page)).find((r) => parseStatusHref(r.href)?.id === tweetId);
  if (!raw) throw new XbotError("page_unexpected", `tweet ${tweetId} did not render`, { details: { tweetId } });
  return metricsFromArticle(raw);
}
