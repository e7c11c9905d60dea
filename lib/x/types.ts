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

/** How a new tweet id was established, strongest first; "dry" = nothing was posted. */
export type PostSource = "graphql" | "url" | "toast" | "timeline" | "dry";

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
  /** How long the id fallbacks wait for the toast / the timeline article. Default 5 000 ms. */
  readonly fallbackWaitMs?: number;
  /** Called right after the post button was clicked (before any id is known). */
  readonly onClicked?: () => Promise<void> | void;
}

/** Names of the engagement counters. */
export type MetricName = "likes" | "replies" | "reposts" | "bookmarks" | "views";

/** Engagement counters of one tweet, as read from its status page. */
export interface TweetMetrics {
  readonly likes: number;
  readonly replies: number;
  readonly reposts: number;
  readonly bookmarks: number;
  readonly views: number;
  /** Counters read from the abbreviated visible text ("8.4K") because no exact aria-label was found. */
  readonly approximate: MetricName[];
}

/** One tweet of a profile timeline. */
export interface TimelineTweet {
  readonly id: string;
  readonly text: string;
  /** From `time[datetime]`; null when the article shows none. */
  readonly time: Date | null;
}

/** One tweet of the mentions page. */
export interface MentionTweet extends TimelineTweet {
  /** Handle of the author, without "@". */
  readonly author: string;
  /** Id of the tweet it replies to, when the article links it (x.com usually shows only the handle). */
  readonly inReplyTo?: string;
}

/** Result of a session check. */
export interface SessionCheck {
  readonly loggedIn: true;
  /** Handle shown by the account switcher, without "@". */
  readonly user: string;
}
