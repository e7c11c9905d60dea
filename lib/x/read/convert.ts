/** GraphQL tweets as the adapter's public reading types. */
import type { XTweet } from "../graphql/tweet.js";
import { decodeEntities } from "../text.js";
import type { MetricName, TimelineTweet, TweetMetrics } from "../types.js";

/** Exact counters of a GraphQL tweet; bookmarks/views X did not send are unknown. */
export function metricsOfTweet(t: XTweet): TweetMetrics {
  const unknown: MetricName[] = [];
  if (t.counts.bookmarks === null) unknown.push("bookmarks");
  if (t.counts.views === null) unknown.push("views");
  const { likes, replies, reposts, bookmarks, views } = t.counts;
  return { likes, replies, reposts, bookmarks, views, source: "graphql", approximate: [], unknown };
}

/** A GraphQL tweet as a timeline tweet: the whole text, entities decoded. */
export function timelineTweetOf(t: XTweet): TimelineTweet {
  return {
    id: t.id,
    author: t.author ?? "",
    text: decodeEntities(t.text),
    truncated: false,
    time: t.createdAt,
    inReplyTo: t.inReplyTo,
    mediaCount: t.mediaCount,
    quotedId: t.quotedId,
    metrics: metricsOfTweet(t),
  };
}

/** Oldest time among `times` (null when none). */
export function oldest(times: readonly (Date | null)[]): Date | null {
  let min: Date | null = null;
  for (const t of times) if (t && (!min || t < min)) min = t;
  return min;
}
