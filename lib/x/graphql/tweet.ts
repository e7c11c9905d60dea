/**
 * Tweet results of x.com's GraphQL answers, parsed with zod. The union follows the public
 * spec (fa0311/twitter-openapi `src/openapi/schemas/tweet.yaml`, `TweetUnion`): a `Tweet`,
 * a `TweetWithVisibilityResults` wrapping one, a `TweetTombstone` (deleted) or a
 * `TweetUnavailable`. Schemas are lenient on fields we do not use and strict on the ones we
 * do: a result whose counts or text are missing or mistyped does not parse, so the caller
 * falls back to the DOM instead of reading a wrong number.
 */
import { z } from "zod";
import { parseUserResult, type XUser } from "./user.js";

const Count = z.number().int().min(0);
const Digits = z.string().regex(/^\d{1,20}$/);

/** `legacy` of a Tweet: the counters and text we read (spec `TweetLegacy`). */
const TweetLegacy = z.looseObject({
  full_text: z.string(),
  display_text_range: z.tuple([z.number().int().min(0), z.number().int().min(0)]).optional(),
  created_at: z.string(),
  conversation_id_str: Digits.optional(),
  in_reply_to_status_id_str: Digits.optional(),
  favorite_count: Count,
  retweet_count: Count,
  reply_count: Count,
  quote_count: Count,
  bookmark_count: Count.optional(),
  retweeted_status_result: z.unknown().optional(),
  entities: z.looseObject({ urls: z.array(z.looseObject({ url: z.string(), expanded_url: z.string().optional() })).optional() }).optional(),
  extended_entities: z.looseObject({ media: z.array(z.unknown()).optional() }).optional(),
  quoted_status_id_str: Digits.optional(),
});

/** A `Tweet` (spec `Tweet`): rest_id, author, legacy, views (`count` is a string) and note_tweet. */
const TweetSchema = z.looseObject({
  __typename: z.literal("Tweet").optional(),
  rest_id: Digits,
  core: z.looseObject({ user_results: z.looseObject({ result: z.unknown() }) }),
  legacy: TweetLegacy,
  views: z.looseObject({ count: z.string().regex(/^\d+$/).optional(), state: z.string().optional() }).optional(),
  note_tweet: z.looseObject({ note_tweet_results: z.looseObject({ result: z.looseObject({ text: z.string() }) }) }).optional(),
});

/** Engagement counters as the GraphQL answer gives them: exact, `views` null when X shows none. */
export interface XTweetCounts {
  readonly likes: number;
  readonly replies: number;
  readonly reposts: number;
  readonly quotes: number;
  /** Null in old answers that carry no bookmark_count. */
  readonly bookmarks: number | null;
  /** Null when the tweet has no view count (old tweets: `views.state` "Enabled" without count). */
  readonly views: number | null;
}

/** One tweet as read from a GraphQL answer. */
export interface XTweet {
  readonly id: string;
  /** The author's handle, without "@"; null when the user result carries none. */
  readonly author: string | null;
  /** The whole text: `note_tweet` for long posts, else the displayed part of `legacy.full_text` (t.co links as X stores them). */
  readonly text: string;
  /** `[t.co url, expanded url]` pairs of the text's links. */
  readonly links: readonly (readonly [string, string])[];
  readonly createdAt: Date | null;
  readonly inReplyTo: string | null;
  readonly conversationId: string | null;
  readonly counts: XTweetCounts;
  readonly mediaCount: number;
  /** Alt text of each attached medium (`ext_alt_text`), null where it has none. */
  readonly mediaAlt: readonly (string | null)[];
  /** The quoted tweet's id (`legacy.quoted_status_id_str`), or null. */
  readonly quotedId: string | null;
  /** A repost of someone else's tweet (its text is "RT @…"). */
  readonly isRepost: boolean;
}

/** What a tweet result is: a tweet, a deleted one, an unavailable one, or a shape we cannot read. */
export type TweetResult =
  | { readonly kind: "tweet"; readonly tweet: XTweet }
  | { readonly kind: "tombstone" }
  | { readonly kind: "unavailable"; readonly reason: string }
  | { readonly kind: "unreadable"; readonly why: string };

const Typed = z.looseObject({ __typename: z.string().optional(), tweet: z.unknown().optional(), reason: z.string().optional() });

/** Parses one `tweet_results.result` value of any known type. */
export function parseTweetResult(raw: unknown): TweetResult {
  const typed = Typed.safeParse(raw);
  if (!typed.success) return { kind: "unreadable", why: "not an object" };
  switch (typed.data.__typename) {
    case "TweetWithVisibilityResults":
      return parseTweetResult(typed.data.tweet);
    case "TweetTombstone":
      return { kind: "tombstone" };
    case "TweetUnavailable":
      return { kind: "unavailable", reason: typed.data.reason ?? "unavailable" };
    case "Tweet":
    case undefined:
      return readTweet(raw);
    default:
      return { kind: "unreadable", why: `unknown __typename ${typed.data.__typename}` };
  }
}

function readTweet(raw: unknown): TweetResult {
  const parsed = TweetSchema.safeParse(raw);
  if (!parsed.success)
    return {
      kind: "unreadable",
      why: parsed.error.issues
        .map((i) => `${i.path.join(".")}: ${i.message}`)
        .slice(0, 3)
        .join("; "),
    };
  const t = parsed.data;
  const user: XUser | null = parseUserResult(t.core.user_results.result).user;
  const views = t.views?.count;
  const tweet: XTweet = {
    id: t.rest_id,
    author: user?.handle ?? null,
    text: t.note_tweet?.note_tweet_results.result.text ?? displayed(t.legacy.full_text, t.legacy.display_text_range),
    links: (t.legacy.entities?.urls ?? []).map((u) => [u.url, u.expanded_url ?? u.url] as const),
    createdAt: twitterDate(t.legacy.created_at),
    inReplyTo: t.legacy.in_reply_to_status_id_str ?? null,
    conversationId: t.legacy.conversation_id_str ?? null,
    counts: {
      likes: t.legacy.favorite_count,
      replies: t.legacy.reply_count,
      reposts: t.legacy.retweet_count,
      quotes: t.legacy.quote_count,
      bookmarks: t.legacy.bookmark_count ?? null,
      views: views === undefined ? null : Number(views),
    },
    mediaCount: t.legacy.extended_entities?.media?.length ?? 0,
    mediaAlt: (t.legacy.extended_entities?.media ?? []).map(altOf),
    quotedId: t.legacy.quoted_status_id_str ?? null,
    isRepost: t.legacy.retweeted_status_result !== undefined,
  };
  return { kind: "tweet", tweet };
}

/** `ext_alt_text` of one `extended_entities.media` item (spec: media.yaml MediaExtended), or null. */
function altOf(media: unknown): string | null {
  const alt = media !== null && typeof media === "object" ? (media as Record<string, unknown>).ext_alt_text : undefined;
  return typeof alt === "string" ? alt : null;
}

/**
 * The part of `full_text` X displays: a reply to someone else starts with "@them " outside
 * `display_text_range`, and a trailing media t.co link sits after it. Indices count code points.
 */
function displayed(fullText: string, range: readonly [number, number] | undefined): string {
  if (!range) return fullText;
  return Array.from(fullText).slice(range[0], range[1]).join("");
}

/** `created_at` in Twitter's format ("Wed Oct 10 20:19:24 +0000 2018"); null when unreadable. */
export function twitterDate(text: string): Date | null {
  const m = /^\w{3} (\w{3}) (\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{4}) (\d{4})$/.exec(text);
  const ms = m ? Date.parse(`${m[1]} ${m[2]} ${m[5]} ${m[3]} GMT${m[4]}`) : NaN;
  return Number.isFinite(ms) ? new Date(ms) : null;
}
