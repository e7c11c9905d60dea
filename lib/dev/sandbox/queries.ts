/** Read-side queries over SandboxState: metrics, snapshots, followers. Timelines: timelines.ts. */
import { computeMetrics, computeQuotes, topicOf, type PostContext } from "./engagement.js";
import type { SandboxState } from "./state.js";
import type { Metrics, SandboxPost, StoredPost } from "./types.js";

/** Followers gained per like and per repost of the user's own posts. */
const FOLLOWERS_PER_LIKE = 0.05;
const FOLLOWERS_PER_REPOST = 0.2;
/** x.com counts views since December 2022; older posts have none (`views.state: "Enabled"`). */
export const VIEWS_SINCE_MS = Date.UTC(2023, 0, 1);

/** Live direct replies of a post (not deleted, not vanished). */
export function liveChildren(state: SandboxState, id: string): StoredPost[] {
  return [...state.posts.values()].filter((p) => p.inReplyTo === id && !p.deleted && !p.vanished);
}

/** Whether a post belongs to a self-thread (it replies to, or is replied to by, its own author). */
function isThread(state: SandboxState, post: StoredPost): boolean {
  if (post.inReplyTo) return state.posts.get(post.inReplyTo)?.author === post.author;
  return liveChildren(state, post.id).some((c) => c.author === post.author);
}

/** Conversation facts used by the engagement model. */
export function postContext(state: SandboxState, post: StoredPost): PostContext {
  return { isThread: isThread(state, post), replyCount: liveChildren(state, post.id).length };
}

/** Whether x.com shows a view count for the post (created since 2023). */
export function hasViewCount(post: StoredPost): boolean {
  return post.createdAtMs >= VIEWS_SINCE_MS;
}

/** Metrics of a post at the sandbox clock's "now" (views 0 when x.com shows no view count). */
export function metricsOf(state: SandboxState, post: StoredPost): Metrics {
  const m = computeMetrics(state.model, post, state.now(), postContext(state, post));
  return hasViewCount(post) ? m : { ...m, views: 0 };
}

/** Quote count of a post at the sandbox clock's "now". */
export function quotesOf(state: SandboxState, post: StoredPost): number {
  return computeQuotes(state.model, post, state.now(), postContext(state, post));
}

/** Admin-API view of a post. */
export function snapshot(state: SandboxState, post: StoredPost): SandboxPost {
  const { fixedMetrics: _fixed, media, photos, quoteOf, layout, pinned, vanished, ...rest } = post;
  return {
    ...rest,
    topic: topicOf(state.model, post.text),
    metrics: metricsOf(state, post),
    quotes: quotesOf(state, post),
    media: media ?? 0,
    photos: (photos ?? []).map((p) => ({ ...p })),
    quoteOf: quoteOf ?? null,
    layout: layout ?? "current",
    pinned: pinned === true,
    vanished: vanished === true,
  };
}

/** Every post ever recorded, oldest first. */
export function allPosts(state: SandboxState): SandboxPost[] {
  return [...state.posts.values()].map((p) => snapshot(state, p));
}

/** Follower count: the base count plus followers earned by the user's own posts' engagement. */
export function followersOf(state: SandboxState, handle: string): number {
  const base = state.userInfo(handle)?.followers ?? 0;
  let earned = 0;
  for (const p of state.posts.values()) {
    if (p.deleted || p.author.toLowerCase() !== handle.toLowerCase()) continue;
    const m = metricsOf(state, p);
    earned += m.likes * FOLLOWERS_PER_LIKE + m.reposts * FOLLOWERS_PER_REPOST;
  }
  return base + Math.floor(earned);
}
