/**
 * The transport port: what posting and reconciliation need from X, behind one interface that
 * the browser (lib/x, Playwright) and the official X API v2 (twitter-api-v2) both implement.
 * Both return the same typed results ({@link PostResult}, {@link TimelineRead}) and the same
 * typed errors (lib/errors.ts): `x_automated`, `x_rate_limited` (with `details.resetAtMs`
 * when X said when), `session_expired`, `validation` with `details.duplicate`, `x_tweet_deleted`.
 * Every posting error says in `details.posted` whether the post may exist (false | "unknown").
 */
import type { Attachment } from "../media.js";
import type { MediaPerTweet } from "../post.js";
import type { PostOptions, PostResult, SessionCheck, TimelineRead } from "../types.js";
import type { TimelineOptions } from "../read/timeline.js";

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
