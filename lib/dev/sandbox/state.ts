/** In-memory state of the sandbox: posts, users, fault, variant, clock and premium. */
import { countDown, faultMatches, type FaultScope } from "./faults.js";
import type { EngagementModel, Fault, FixedMetrics, PostLayout, StoredPost, UploadedPhoto, Variant } from "./types.js";

export type { FaultScope } from "./faults.js";

/** Twitter's snowflake epoch (2010-11-04). */
const TWEPOCH = 1288834974657n;

/** Another user known to the sandbox. */
export interface UserInfo {
  handle: string;
  name: string;
  followers: number;
  /** Accounts this user follows (shown on the profile, `relationship_counts.following`). */
  following: number;
}

/** Input of SandboxState.addPost. */
export interface NewPost {
  author: string;
  text: string;
  inReplyTo?: string | null;
  createdAtMs?: number;
  fixedMetrics?: FixedMetrics;
  media?: number;
  layout?: PostLayout;
  pinned?: boolean;
  vanished?: boolean;
  photos?: UploadedPhoto[];
  quoteOf?: string;
}

/** A media upload in progress or finished (upload.ts): INIT'ed, APPENDed, FINALIZEd. */
export interface Upload {
  readonly mediaId: string;
  readonly mime: string;
  readonly totalBytes: number;
  received: number;
  finalized: boolean;
  alt: string | null;
  /** Set once a CreateTweet used it (an id attaches to one post only). */
  used: boolean;
}

/** Mutable state of one sandbox. */
export class SandboxState {
  /** Posts by id, in insertion order. */
  readonly posts = new Map<string, StoredPost>();
  /** Users by lower-cased handle (the sandbox user included). */
  readonly users = new Map<string, UserInfo>();
  /** Media uploads by media_id_string. */
  readonly uploads = new Map<string, Upload>();
  fault: Fault | null = null;
  variant: Variant = "a";
  clockOverride: number | null = null;
  /** The sandbox user has X Premium (CreateNoteTweet accepted). */
  premium: boolean;
  private lastId = 0n;

  constructor(
    readonly user: string,
    readonly model: EngagementModel,
    private readonly clock: () => number,
    private readonly initialPremium = false,
  ) {
    this.premium = initialPremium;
    this.clear();
  }

  /** Sandbox time in ms (the simulated clock when set). */
  now(): number {
    return this.clockOverride ?? this.clock();
  }

  /** Empties everything and resets the fault, variant, clock and premium. */
  clear(): void {
    this.posts.clear();
    this.users.clear();
    this.uploads.clear();
    this.fault = null;
    this.variant = "a";
    this.clockOverride = null;
    this.premium = this.initialPremium;
    this.users.set(this.user.toLowerCase(), { handle: this.user, name: "Sandbox Bot", followers: 1234, following: 321 });
  }

  /** Known user by handle (case-insensitive). */
  userInfo(handle: string): UserInfo | undefined {
    return this.users.get(handle.toLowerCase());
  }

  /** Registers a user if unknown; returns it. */
  ensureUser(handle: string): UserInfo {
    const known = this.userInfo(handle);
    if (known) return known;
    const info = { handle, name: handle.charAt(0).toUpperCase() + handle.slice(1).replace(/_/g, " "), followers: 200, following: 321 };
    this.users.set(handle.toLowerCase(), info);
    return info;
  }

  /** Next snowflake-like id: 19 digits, strictly increasing even if the clock goes back. */
  nextId(ms: number): string {
    let id = ((BigInt(Math.floor(ms)) - TWEPOCH) << 22n) | (1n << 12n);
    if (id < 10n ** 18n) id += 10n ** 18n;
    if (id <= this.lastId) id = this.lastId + 1n;
    this.lastId = id;
    return id.toString();
  }

  /** Records a post; the parent, when given, must exist. */
  addPost(input: NewPost): StoredPost {
    const createdAtMs = input.createdAtMs ?? this.now();
    const id = this.nextId(createdAtMs);
    const parent = input.inReplyTo ? this.posts.get(input.inReplyTo) : undefined;
    this.ensureUser(input.author);
    const post: StoredPost = {
      id,
      text: input.text,
      author: input.author,
      inReplyTo: parent ? parent.id : null,
      threadRootId: parent ? parent.threadRootId : id,
      createdAtMs,
      deleted: false,
    };
    if (input.fixedMetrics) post.fixedMetrics = input.fixedMetrics;
    if (input.photos && input.photos.length > 0) {
      post.photos = input.photos;
      post.media = input.photos.length;
    } else if (input.media) post.media = input.media;
    if (input.quoteOf) post.quoteOf = input.quoteOf;
    if (input.layout === "legacy") post.layout = "legacy";
    if (input.pinned) post.pinned = true;
    if (input.vanished) post.vanished = true;
    this.posts.set(id, post);
    return post;
  }

  /** Marks a post deleted; false when unknown or already deleted. */
  deletePost(id: string): boolean {
    const post = this.posts.get(id);
    if (!post || post.deleted) return false;
    post.deleted = true;
    return true;
  }

  /** Live post by id: not deleted and not vanished. */
  livePost(id: string): StoredPost | undefined {
    const post = this.posts.get(id);
    return post && !post.deleted && !post.vanished ? post : undefined;
  }

  /** A post reads can show (deleted ones as tombstones): recorded and not vanished. */
  visiblePost(id: string): StoredPost | undefined {
    const post = this.posts.get(id);
    return post && !post.vanished ? post : undefined;
  }

  /** Sets or clears the fault. */
  setFault(fault: Fault | null): void {
    this.fault = fault ? { ...fault } : null;
  }

  /**
   * The fault applying to a request with these scopes, counted down: null when none matches
   * or while its `skip` lasts; cleared once its `count` is used up. Which requests count for
   * each kind (FAULT_SCOPES in faults.ts):
   * - `challenge`, `slow`, `composer_disabled`: HTML loads (the app shell), never GraphQL;
   * - `automated_226`, `rate_limit_429`, `post_without_response`, `vanishing_post`:
   *   CreateTweet / CreateNoteTweet calls;
   * - `login_wall`: HTML loads, create calls and every GraphQL read;
   * - `timeline_error`: the timeline reads (UserTweets, TweetDetail, NotificationsTimeline,
   *   HomeTimeline), not UserByScreenName and not the shell load that triggers them;
   * - `graphql_down`: every GraphQL read, not the create calls;
   * - `suspended`: UserByScreenName and UserTweets of the sandbox user, and create calls;
   * - `restricted`: UserByScreenName of the sandbox user, and create calls (its UserTweets,
   *   fetched after the interstitial, is a normal read).
   * A fault with `user` applies to (and counts) only that viewer's requests.
   */
  consumeFault(scopes: FaultScope | readonly FaultScope[], viewer: string = this.user): Fault | null {
    const fault = this.fault;
    const list = typeof scopes === "string" ? [scopes] : scopes;
    if (!fault || !faultMatches(fault.kind, list)) return null;
    if (fault.user !== undefined && fault.user.toLowerCase() !== viewer.toLowerCase()) return null;
    const verdict = countDown(fault);
    if (verdict === "expired") this.fault = null;
    if (verdict !== "apply") return null;
    if (fault.count === 0) this.fault = null;
    return fault;
  }
}
