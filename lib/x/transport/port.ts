/**
 * The transport port: what posting and reconciliation need from X, behind one interface that
 * the browser (lib/x, Playwright) and the official X API v2 (twitter-api-v2) both implement.
 * Both return the same typed results ({@link PostResult}, {@link TimelineRead}) and the same
 * typed errors (lib/errors.ts): `x_automated`, `x_rate_limited` (with `details.resetAtMs`
 * when X said when), `session_expired`, `validation` with `details.duplicate`, `x_tweet_deleted`.
 * Every posting error says in `details.posted` whether the post may exist (false | "unknown").
 * Reads (metrics of many posts, followers, mentions) are on the port too; see {@link MetricsRead}.
 */
import type { Attachment } from "../media.js";
import type { MediaPerTweet } from "../post.js";
import type { XbotError } from "../../errors.js";
import type { FollowersRead, PostOptions, PostResult, SessionCheck, TimelineRead, TweetMetrics } from "../types.js";
import type { TimelineOptions } from "../read/timeline.js";

/**
 * Counters of many posts. Every id asked for ends in exactly one of `metrics`, `deleted`
 * (X says it is deleted or not visible) or `failed` (this post could not be read; the others
 * were). `stopped`: a refusal (budget, rate limit, auth) after some posts were read; the
 * `unread` ids were not asked for. A refusal before any post was read is thrown instead.
 */
export interface MetricsRead {
  readonly metrics: Map<string, TweetMetrics>;
  readonly deleted: string[];
  readonly failed: Map<string, XbotError>;
  readonly stopped?: { readonly error: XbotError; readonly unread: string[] };
}

/** Options of a mentions read. */
export interface MentionsOptions {
  /** Most mentions returned (newest first). */
  readonly max: number;
}

/** Which way a transport reaches X. */
export type TransportKind = "browser" | "api";

/** The operations of one unit of work (one page for the browser, plain calls for the API). */
export interface XOps {
  /** Posts one tweet, with its images when given. */
  postSingle(text: string, opts?: PostOptions, media?: readonly Attachment[]): Promise<PostResult>;
  /** Posts a thread (a reply chain on the API), each tweet with its own images. */
  postThread(texts: readonly string[], opts?: PostOptions, media?: MediaPerTweet): Promise<PostResult>;
  /** Replies to `tweetId`; a deleted target is `x_tweet_deleted`. */
  reply(tweetId: string, text: string, opts?: PostOptions, media?: readonly Attachment[]): Promise<PostResult>;
  /** Posts `text` quoting `tweetId`; a deleted target is `x_tweet_deleted`. */
  postQuote(tweetId: string, text: string, opts?: PostOptions, media?: readonly Attachment[]): Promise<PostResult>;
  /** `user`'s own recent posts, newest first, honest about coverage. */
  recentTimeline(user: string, opts: TimelineOptions): Promise<TimelineRead>;
  /** The conversation of `tweetId`: the tweet itself and the replies the transport can see. */
  conversation(tweetId: string): Promise<TimelineRead>;
  /** Counters of our posts `ids` (the API: `GET /2/tweets?ids=`, 100 ids a call; the browser: each status page). */
  metricsFor(ids: readonly string[]): Promise<MetricsRead>;
  /** Our follower count (the API: `GET /2/users/me` public_metrics; the browser: our profile). */
  followers(): Promise<FollowersRead>;
  /** Recent posts of others that mention or reply to us, newest first (the API: the owned read `GET /2/users/:id/mentions`). */
  mentions(opts: MentionsOptions): Promise<TimelineRead>;
  /** Whether the credentials still act as our account, and as whom. */
  checkSession(): Promise<SessionCheck>;
}

/** Options of one unit of work. */
export interface UseOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A way to reach X. `use` scopes one unit of work (the browser opens one page for it). */
export interface XTransport {
  readonly kind: TransportKind;
  use<T>(label: string, work: (x: XOps) => Promise<T>, opts?: UseOptions): Promise<T>;
}
