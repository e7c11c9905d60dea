/** Public types of the local x.com look-alike used by tests and `npm start`. */

/** Engagement counters of one post, as x.com shows them (exact values). */
export interface Metrics {
  replies: number;
  reposts: number;
  likes: number;
  bookmarks: number;
  views: number;
}

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
  metrics: Metrics;
}

/** One stored post (internal shape; topic and metrics are computed on read). */
export type StoredPost = Omit<SandboxPost, "topic" | "metrics"> & {
  /** Fixed metrics given by a seed; missing fields come from the engagement model. */
  fixedMetrics?: Partial<Metrics>;
};

/** Kinds of injected failure. */
export type FaultKind =
  | "login_wall"
  | "challenge"
  | "automated_226"
  | "rate_limit_429"
  | "slow"
  | "post_without_response"
  | "composer_disabled";

/** The fault kinds, for validation. */
export const FAULT_KINDS: readonly FaultKind[] = [
  "login_wall", "challenge", "automated_226", "rate_limit_429", "slow", "post_without_response", "composer_disabled",
];

/** A fault to inject. `count` = requests it applies to before clearing itself (default: unlimited). */
export interface Fault {
  kind: FaultKind;
  count?: number;
  /** Delay for `slow`, in ms (default 3000). */
  ms?: number;
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
  /** Posts; `author` defaults to the sandbox user. */
  posts?: {
    author?: string;
    text: string;
    createdAtMs?: number;
    inReplyTo?: string;
    metrics?: Partial<Metrics>;
  }[];
  /** Other users' display names and follower counts. */
  users?: Record<string, { name?: string; followers?: number }>;
}

/** Options of createSandbox. */
export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Handle of the logged-in user, default "xbot_sandbox". */
  user?: string;
  /** The valid auth_token cookie value; default random. */
  authToken?: string;
  /** Clock; default Date.now. `POST /__sandbox/clock` overrides it. */
  nowMs?: () => number;
  engagement?: EngagementModel;
}

/** A running sandbox. */
export interface Sandbox {
  /** Base URL, e.g. "http://127.0.0.1:43210". */
  url: string;
  user: string;
  authToken: string;
  /** Cookies auth_token + ct0 for the sandbox host. */
  storageState(): PlaywrightStorageState;
  /** Every post ever recorded, oldest first, with current metrics. */
  posts(): SandboxPost[];
  setFault(f: Fault | null): void;
  /** Switches the markup variant for every page (a page's `?variant=` still wins). */
  setVariant(v: Variant): void;
  /** Sets the simulated clock (null returns to the `nowMs` option). */
  setNow(ms: number | null): void;
  /** Seeds posts, mentions and followers; returns the posts created. */
  seed(input: SeedInput): SandboxPost[];
  /** Back to the initial state (default seed, no fault, variant "a", real clock). */
  reset(): void;
  close(): Promise<void>;
}
