/**
 * X API v2 reads as the port's typed results. Timelines come from the owned-read endpoint
 * `GET /2/users/:id/tweets` (priced as an owned read when `:id` is the authenticated user,
 * docs.x.com/x-api/getting-started/pricing, read 2026-12-02), 100 per page, with
 * `start_time` so a complete read proves absence back to it.
 */
import type { TweetV2, TwitterApiv2 } from "twitter-api-v2";
import type { TimelineOptions } from "../read/timeline.js";
import type { TimelineRead, TimelineTweet, TweetMetrics } from "../types.js";

/** The fields every tweet read asks for. */
export const TWEET_FIELDS = "created_at,author_id,conversation_id,referenced_tweets,public_metrics,attachments";
/** Most pages one timeline read follows (100 posts each). */
const MAX_PAGES = 8;

/** A page of `GET /2/users/:id/tweets`. */
interface TimelinePage {
  data?: TweetV2[];
  meta?: { next_token?: string; result_count?: number };
}

/** The counters of a v2 tweet (`public_metrics`), or null when it carries none. */
export function metricsOf(t: TweetV2): TweetMetrics | null {
  const m = t.public_metrics;
  if (!m) return null;
  const bookmarks = m.bookmark_count ?? null;
  return {
    likes: m.like_count,
    replies: m.reply_count,
    reposts: m.retweet_count,
    bookmarks,
    views: m.impression_count ?? null,
    source: "api",
    approximate: [],
    unknown: bookmarks === null ? ["bookmarks"] : [],
  };
}

/** One v2 tweet as the port's timeline tweet (`author` is the handle of `author_id`). */
export function tweetOf(t: TweetV2, author: string): TimelineTweet {
  const parent = t.referenced_tweets?.find((r) => r.type === "replied_to")?.id ?? null;
  const quoted = t.referenced_tweets?.find((r) => r.type === "quoted")?.id ?? null;
  return {
    id: t.id,
    author,
    text: t.text,
    truncated: false,
    time: t.created_at ? new Date(t.created_at) : null,
    inReplyTo: parent,
    quotedId: quoted,
    mediaCount: t.attachments?.media_keys?.length ?? 0,
    metrics: metricsOf(t),
  };
}

/** Our own recent posts (replies included), newest first; `coveredSince` honest about the cut. `conversations` collects each id's conversation. */
export async function ownTimeline(
  v2: TwitterApiv2,
  me: { id: string; username: string },
  opts: TimelineOptions,
  req: { prefix: string; timeout: number },
  conversations?: Map<string, string>,
): Promise<TimelineRead> {
  const tweets: TimelineTweet[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const query: Record<string, string> = {
      max_results: "100",
      "tweet.fields": TWEET_FIELDS,
      ...(opts.since ? { start_time: opts.since.toISOString() } : {}),
      ...(token ? { pagination_token: token } : {}),
    };
    const page = await v2.get<TimelinePage>(`users/${me.id}/tweets`, query, req);
    for (const t of page.data ?? []) {
      tweets.push(tweetOf(t, me.username));
      conversations?.set(t.id, t.conversation_id ?? t.id);
    }
    token = page.meta?.next_token;
    pages++;
  } while (token && tweets.length < opts.max && pages < MAX_PAGES);
  const cut = tweets.length > opts.max || token !== undefined;
  const kept = tweets.slice(0, opts.max);
  const oldest = kept.at(-1)?.time ?? null;
  if (cut) return { tweets: kept, source: "api", coveredSince: oldest, reachedEnd: false, unreadable: 0 };
  if (opts.since) return { tweets: kept, source: "api", coveredSince: opts.since, reachedEnd: false, unreadable: 0 };
  return { tweets: kept, source: "api", coveredSince: oldest, reachedEnd: true, unreadable: 0 };
}
