/** Public types of the local x.com look-alike used by tests and `npm start`. */

/** Engagement counters of one post, as x.com shows them (exact values). */
export interface Metrics {
  replies: number;
  reposts: number;
  likes: number;
  bookmarks: number;
  views: number;
}

/**
 * How a post is laid out on x.com. "legacy": the older article layout without a bookmark
 * button (and without bookmarks in the action bar's summary). The sandbox marks such posts
 * in GraphQL with `itemContent.tweetDisplayType: "CondensedTweet"` (a real value, spec:
 * fa0311/twitter-openapi src/openapi/schemas/content.yaml TimelineTweet), and its page script
 * renders CondensedTweet items that way; `legacy.bookmark_count` is still served.
 */
export type PostLayout = "current" | "legacy";

/** A post as the admin API reports it, with its metrics at the sandbox clock's "now". */
export interface SandboxPost {
  /** 19-digit snowflake-like id (x.com `rest_id`). */
  id: string;
  text: string;
  /** Handle of the author, without "@". */
  author: string;
  inReplyTo: string | null;
  /** Root of the conversation (x.com `conversation_id`): the topmost ancestor, or the post itself. */
  threadRootId: string;
  createdAtMs: number;
  /** True once deleted through the admin API; deleted posts stay in the record. */
  deleted: boolean;
  /** Topic recognised by the engagement model, or null. */
  topic: string | null;
  /**
   * Exact counters, equal to the GraphQL `legacy` counts and `views.count`. Posts created
   * before 2023-01-01 have no view count on x.com (`views.state: "Enabled"`): views is 0.
   */
  metrics: Metrics;
  /** Quote count (GraphQL `legacy.quote_count`), about 2% of likes by the model. */
  quotes: number;
  /** Number of photos (0-4). */
  media: number;
  /** Photos uploaded with the post (INIT/APPEND/FINALIZE), in order, with their alt text; [] for seeded photos. */
  photos: UploadedPhoto[];
  /** The post it quotes (CreateTweet `attachment_url`), or null. */
  quoteOf: string | null;
  layout: PostLayout;
  /** Pinned to its author's profile (the newest pinned post of an author wins). */
  pinned: boolean;
  /**
   * Recorded under the `vanishing_post` fault: CreateTweet answered normally, but the post
   * shows nowhere (no timeline, TweetDetail answers error 144). Vanished posts are never
   * listed by reads, only here.
   */
  vanished: boolean;
}

/** A photo attached through the upload flow, as CreateTweet referenced it. */
export interface UploadedPhoto {
  /** The upload's `media_id_string`. */
  mediaId: string;
  /** Alt text set with `media/metadata/create`, or null. */
  alt: string | null;
  mime: string;
  /** Bytes the APPENDs carried. */
  bytes: number;
}

/** Fixed counters a seed may give (any subset; the rest comes from the engagement model). */
export type FixedMetrics = Partial<Metrics & { quotes: number }>;

/** One stored post (internal shape; topic, metrics and quotes are computed on read). */
export type StoredPost = Omit<SandboxPost, "topic" | "metrics" | "quotes" | "media" | "photos" | "quoteOf" | "layout" | "pinned" | "vanished"> & {
  photos?: UploadedPhoto[];
  quoteOf?: string;
  fixedMetrics?: FixedMetrics;
  /** Photos (0-4, default 0). */
  media?: number;
  /** Default "current". */
  layout?: PostLayout;
  pinned?: boolean;
  vanished?: boolean;
};

/**
 * Kinds of injected failure. Which requests a kind applies to (and counts) is documented
 * on SandboxState.consumeFault (state.ts). Old kinds:
 * - `login_wall`: pages show the logged-out page; CreateTweet and GraphQL reads answer 401
 *   `{"errors":[{"code":32,"message":"Could not authenticate you."}]}`.
 * - `challenge`: pages show the Arkose-like challenge wall.
 * - `automated_226`, `rate_limit_429`: CreateTweet answers error 226 (HTTP 200) / 429 code 88.
 * - `slow`: pages (the app shell) are delayed by `ms`.
 * - `post_without_response`: CreateTweet records the post and never answers.
 * - `composer_disabled`: the page's post buttons stay disabled.
 *
 * New kinds:
 * - `timeline_error`: timeline reads (UserTweets, TweetDetail, NotificationsTimeline,
 *   HomeTimeline) answer HTTP 429 `{"errors":[{"code":88,"message":"Rate limit exceeded."}]}`;
 *   the page shows x.com's "Something went wrong. Try reloading." with a Retry button.
 * - `suspended`: the sandbox user is suspended: its UserByScreenName and UserTweets answer a
 *   `UserUnavailable` result (reason "Suspended"), its profile shows "Account suspended",
 *   CreateTweet / CreateNoteTweet answer HTTP 200 error 64.
 * - `restricted`: the sandbox user is temporarily restricted: its UserByScreenName user has
 *   `profile_interstitial_type: "timeout"`, its profile shows the caution interstitial (the
 *   timeline is fetched only after "Yes, view profile"), CreateTweet answers error 326.
 * - `vanishing_post`: CreateTweet answers normally, but the post shows nowhere afterwards
 *   (see SandboxPost.vanished).
 * - `graphql_down`: GraphQL READ answers (not CreateTweet) come in the shape of a
 *   hypothetical newer x.com release that a reader of the 2024/2026 shapes cannot parse. The
 *   answer is the normal one with these keys renamed at every depth: `tweet_results` ->
 *   `tweet_results_v2`, `user_results` -> `user_results_v2`, `legacy` -> `legacy_v3`; and
 *   `data.user.result` -> `data.user.result_v2` (UserByScreenName, UserTweets). Everything
 *   else (instructions, entries, cursors, counts inside `legacy_v3`) is unchanged. The page
 *   script understands both shapes, so pages render normally: only readers of the network
 *   answers fail (and must fall back to the DOM).
 *
 * Upload kinds (the media upload flow, upload.ts):
 * - `upload_failed`: an APPEND answers HTTP 500 `{"errors":[{"code":131,...}]}`; the page drops
 *   the attachment and shows a toast.
 * - `upload_slow`: each APPEND is delayed by `ms` (default 3000); the post button stays
 *   disabled until FINALIZE, as on x.com.
 * - `upload_rejected_type`: INIT answers HTTP 400 error 324 (unsupported media type).
 */
export type FaultKind =
  | "login_wall"
  | "challenge"
  | "automated_226"
  | "rate_limit_429"
  | "slow"
  | "post_without_response"
  | "composer_disabled"
  | "timeline_error"
  | "suspended"
  | "restricted"
  | "vanishing_post"
  | "graphql_down"
  | "upload_failed"
  | "upload_slow"
  | "upload_rejected_type";

/** The fault kinds, for validation. */
export const FAULT_KINDS: readonly FaultKind[] = [
  "login_wall",
  "challenge",
  "automated_226",
  "rate_limit_429",
  "slow",
  "post_without_response",
  "composer_disabled",
  "timeline_error",
  "suspended",
  "restricted",
  "vanishing_post",
  "graphql_down",
  "upload_failed",
  "upload_slow",
  "upload_rejected_type",
];

/**
 * A fault to inject. It applies to the requests in its kind's scope (state.ts): the first
 * `skip` of them go through untouched (default 0), then it applies to `count` of them before
 * clearing itself (default: unlimited).
 */
export interface Fault {
  kind: FaultKind;
  count?: number;
  /** Matching requests let through before the fault applies (e.g. 1: the 2nd tweet of a thread). */
  skip?: number;
  /** Delay for `slow`, in ms (default 3000). */
  ms?: number;
  /**
   * Only requests of this logged-in user (handle, case-insensitive) see and count the fault;
   * default: every request. Logged-out requests and the v2 API (the sandbox user's keys) are
   * the sandbox user's.
   */
  user?: string;
}

/** Markup variant: "a" mimics x.com's usual markup, "b" a shifted variant with the same test ids. */
export type Variant = "a" | "b";

/** Hidden engagement model: final likes = topic rate × hour multiplier × thread multiplier × noise. */
export interface EngagementModel {
  topics: Record<string, { keywords: string[]; rate: number }>;
  /** Multiplier per UTC hour of posting (24 entries). */
  hourMultiplier: number[];
  threadMultiplier: number;
  seed: number;
}

/** A cookie in Playwright's storageState format. */
export interface StorageCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: "Strict" | "Lax" | "None";
}

/** Playwright storageState, accepted by `browser.newContext({ storageState })`. */
export interface PlaywrightStorageState {
  cookies: StorageCookie[];
  origins: { origin: string; localStorage: { name: string; value: string }[] }[];
}

/** Seed input for other users' posts, mentions and follower counts. */
export interface SeedInput {
  /** Posts by other users that mention the sandbox user ("@user " is prefixed when missing). */
  mentions?: { author: string; text: string; createdAtMs?: number; inReplyTo?: string }[];
  /** Base follower count of the sandbox user. */
  followers?: number;
  /** The sandbox user has X Premium (may post long "note tweets" with CreateNoteTweet). */
  premium?: boolean;
  /** Posts; `author` defaults to the sandbox user. */
  posts?: {
    author?: string;
    text: string;
    createdAtMs?: number;
    inReplyTo?: string;
    metrics?: FixedMetrics;
    /** Photos attached (0-4). */
    media?: number;
    /** "legacy": rendered in the older layout without a bookmark button (see PostLayout). */
    layout?: "legacy";
    /** Pin to the author's profile (TimelinePinEntry of UserTweets). */
    pinned?: boolean;
    /** Quote this (existing) post, as CreateTweet's `attachment_url` does. */
    quoteOf?: string;
  }[];
  /** Other users' display names and follower counts. */
  users?: Record<string, { name?: string; followers?: number }>;
}

/** Options of createSandbox. */
export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** A loopback address only (127.0.0.0/8, ::1, localhost); default "127.0.0.1". */
  host?: string;
  /** Handle of the logged-in user, default "xbot_sandbox". */
  user?: string;
  /** The valid auth_token cookie value; default random. */
  authToken?: string;
  /** The token the admin API `/__sandbox/*` requires (header `x-sandbox-token`); default random. */
  adminToken?: string;
  /** Clock; default Date.now. `POST /__sandbox/clock` overrides it. */
  nowMs?: () => number;
  engagement?: EngagementModel;
  /** The sandbox user has X Premium (CreateNoteTweet accepted); default false. Kept by reset(). */
  premium?: boolean;
  /** The OAuth 1.0a keys the v2 endpoints (`/2/...`) accept; default random. */
  apiKeys?: import("./v2/oauth1.js").ApiKeys;
  /** The app permission the v2 endpoints report (`x-access-level`); "read" refuses writes. Default "read-write". */
  apiAccessLevel?: "read" | "read-write";
}

/** A user logged in with Sandbox.addUser. */
export interface SandboxUser {
  user: string;
  authToken: string;
  /** Cookies auth_token + ct0 of this user for the sandbox host. */
  storageState(): PlaywrightStorageState;
}

/** A running sandbox. */
export interface Sandbox {
  /** Base URL, e.g. "http://127.0.0.1:43210". */
  url: string;
  user: string;
  authToken: string;
  /** The admin API's token: send it as `x-sandbox-token` on every `/__sandbox/*` request. */
  adminToken: string;
  /**
   * GraphQL query ids the page script uses, by operation name: random per sandbox instance
   * (x.com rotates them every few weeks). The server matches operations by name only.
   */
  queryIds: Readonly<Record<string, string>>;
  /** Cookies auth_token + ct0 for the sandbox host. */
  storageState(): PlaywrightStorageState;
  /**
   * Logs in one more user, so one sandbox serves several accounts: its cookies get pages and
   * GraphQL as that user (profile, "What's happening?", notifications, CreateTweet as author),
   * and a fault with `user` set applies to its requests only. The v2 API stays the sandbox
   * user's. Throws on a bad or already logged-in handle; reset() logs such users out.
   */
  addUser(handle: string, options?: { premium?: boolean; name?: string; followers?: number }): SandboxUser;
  /** Every post ever recorded, oldest first, with current metrics. */
  posts(): SandboxPost[];
  /** Every media upload since the last reset (INIT'ed; `finalized`, `alt`, `used` by a post). */
  uploads(): { mediaId: string; mime: string; totalBytes: number; received: number; finalized: boolean; alt: string | null; used: boolean }[];
  setFault(f: Fault | null): void;
  /** Switches the markup variant for every page (a page's `?variant=` still wins). */
  setVariant(v: Variant): void;
  /** Sets the simulated clock (null returns to the `nowMs` option). */
  setNow(ms: number | null): void;
  /** Seeds posts, mentions and followers; returns the posts created. */
  seed(input: SeedInput): SandboxPost[];
  /** The OAuth 1.0a keys the v2 endpoints accept (X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN, X_ACCESS_SECRET). */
  apiKeys: import("./v2/oauth1.js").ApiKeys;
  /** Every v2 call received since the last reset, in order, with the status answered (0: not answered). */
  apiCalls(): import("./v2/router.js").ApiCallRecord[];
  /** Revokes (true) or restores (false) the issued OAuth 1.0a token: while revoked every v2 call signed with it answers 401. */
  revokeApiToken(revoked: boolean): void;
  /** The OAuth 2.0 app's client id, the one live refresh token, and how many refreshes were granted. */
  oauth2(): { clientId: string; refreshToken: string; refreshes: number };
  /** Requests since the last reset that X would count: HTML page loads, GraphQL calls, v2 API calls. */
  requestCounts(): { page: number; graphql: number; api: number };
  /** Back to the initial state (default seed, no fault, variant "a", real clock, `premium` as created; no v2 calls; no added users). */
  reset(): void;
  close(): Promise<void>;
}
