/** Public types of the X site adapter (lib/x). */
import type { Logger } from "../log.js";

/** Where and as whom the adapter works. Passed to every operation; nothing is read from the environment. */
export interface XSite {
  /** Origin of the site: `https://x.com`, or the sandbox url. No trailing slash needed. */
  readonly baseUrl: string;
  /** Our handle, without "@". */
  readonly user: string;
  /** "human": per-character typing with jittered delays; "fill": insert the text at once. */
  readonly typing: "human" | "fill";
  /** Optional event log (debug/info/warn lines under `x.*`). */
  readonly logger?: Logger;
  /** How long to wait for page elements (composer, buttons, articles). Default 10 000 ms. */
  readonly waitMs?: number;
}

/** How a new tweet id was established, strongest first ("api": the X API v2 answer); "dry" = nothing was posted. */
export type PostSource = "graphql" | "api" | "url" | "toast" | "timeline" | "dry";

/** Result of a post, thread or reply: ids in thread order (empty only for a dry run). */
export interface PostResult {
  readonly tweetIds: string[];
  /** The weakest source any of the ids came from. */
  readonly source: PostSource;
}

/** Options of the posting operations. */
export interface PostOptions {
  /** Do everything up to (not including) the final click, then return `{ tweetIds: [], source: "dry" }`. */
  readonly dryRun?: boolean;
  /** Aborts between steps (XbotError "deadline"; `posted: "unknown"` once the click happened). */
  readonly signal?: AbortSignal;
  /** How long to wait for each CreateTweet response after the click. Default 30 000 ms. */
  readonly responseTimeoutMs?: number;
  /** How long the id fallbacks wait for the toast. Default 5 000 ms (the timeline fallback reads with the site's `waitMs`). */
  readonly fallbackWaitMs?: number;
  /** Called right after the post button was clicked (before any id is known). */
  readonly onClicked?: () => Promise<void> | void;
}

/** Names of the engagement counters. */
export type MetricName = "likes" | "replies" | "reposts" | "bookmarks" | "views";

/** Where a reading came from: the page's own GraphQL answer or the X API v2 (both exact), or the rendered DOM. */
export type ReadSource = "graphql" | "api" | "dom";

/**
 * Engagement counters of one tweet. A counter X did not show is null (listed in `unknown`),
 * never a made-up 0; one read from abbreviated visible text ("8.4K") is listed in `approximate`.
 */
export interface TweetMetrics {
  readonly likes: number | null;
  readonly replies: number | null;
  readonly reposts: number | null;
  readonly bookmarks: number | null;
  readonly views: number | null;
  readonly source: ReadSource;
  readonly approximate: MetricName[];
  readonly unknown: MetricName[];
}

/** One tweet of a timeline (profile, conversation or mentions). */
export interface TimelineTweet {
  readonly id: string;
  /** Handle of the author, without "@". */
  readonly author: string;
  /** The whole text when read from GraphQL (t.co links as X stores them); the visible text from the DOM. */
  readonly text: string;
  /** The DOM showed only the start of the text ("Show more"): compare as a prefix. */
  readonly truncated: boolean;
  /** From GraphQL `created_at` or the DOM's `time[datetime]`; null when neither shows one. */
  readonly time: Date | null;
  /** The tweet it replies to, when the reading knows it (GraphQL always does). */
  readonly inReplyTo: string | null;
  /** Images/videos attached, when known. */
  readonly mediaCount: number | null;
  /** The quoted tweet's id when the reading knows it (GraphQL); absent or null otherwise. */
  readonly quotedId?: string | null;
  /** Its counters as the same reading showed them. */
  readonly metrics: TweetMetrics | null;
}

/** One tweet of the mentions timeline. */
export type MentionTweet = TimelineTweet;

/**
 * A read of a list of tweets. `coveredSince`: every tweet of the list newer than this was
 * seen (null when nothing was). `reachedEnd`: nothing older exists. `unreadable`: items that
 * were there but could not be parsed; a read with any is no proof that a tweet is absent.
 */
export interface TimelineRead {
  readonly tweets: TimelineTweet[];
  readonly source: ReadSource;
  readonly coveredSince: Date | null;
  readonly reachedEnd: boolean;
  readonly unreadable: number;
  /** The profile's exact follower count, when the same visit's UserByScreenName answer carried it (browser reads only). */
  readonly profileFollowers?: number;
}

/** A follower count and where it came from (`exact` false when read from abbreviated text). */
export interface FollowersRead {
  readonly followers: number;
  readonly source: ReadSource;
  readonly exact: boolean;
}

/** Result of a session check. */
export interface SessionCheck {
  readonly loggedIn: true;
  /** Handle shown by the account switcher, without "@". */
  readonly user: string;
}
