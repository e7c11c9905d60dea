/** Read-side queries over SandboxState: metrics, timelines, conversations, followers. */
import { computeMetrics, topicOf, type PostContext } from "./engagement.js";
import type { SandboxState } from "./state.js";
import type { Metrics, SandboxPost, StoredPost } from "./types.js";

/** Followers gained per like and per repost of the user's own posts. */
const FOLLOWERS_PER_LIKE = 0.05;
const FOLLOWERS_PER_REPOST = 0.2;

function liveChildren(state: SandboxState, id: string): StoredPost[] {
  return [...state.posts.values()].filter((p) => p.inReplyTo === id && !p.deleted);
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

/** Metrics of a post at the sandbox clock's "now". */
export function metricsOf(state: SandboxState, post: StoredPost): Metrics {
  return computeMetrics(state.model, post, state.now(), postContext(state, post));
}

/** Admin-API view of a post. */
export function snapshot(state: SandboxState, post: StoredPost): SandboxPost {
  const { fixedMetrics: _fixed, ...rest } = post;
  return { ...rest, topic: topicOf(state.model, post.text), metrics: metricsOf(state, post) };
}

/** Every post ever recorded, oldest first. */
export function allPosts(state: SandboxState): SandboxPost[] {
  return [...state.posts.values()].map((p) => snapshot(state, p));
}

function newestFirst(posts: StoredPost[]): StoredPost[] {
  return posts.sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : -1));
}

function isMine(state: SandboxState, handle: string): boolean {
  return handle.toLowerCase() === state.user.toLowerCase();
}

/** Home timeline: live posts by anyone, newest first (not in the future of the clock). */
export function homeTimeline(state: SandboxState, limit = 20): StoredPost[] {
  const now = state.now();
  const live = [...state.posts.values()].filter((p) => !p.deleted && p.createdAtMs <= now);
  return newestFirst(live).slice(0, limit);
}

/** A profile's "Posts" tab: the user's live top-level posts, newest first. */
export function profileTimeline(state: SandboxState, handle: string, limit = 40): StoredPost[] {
  const h = handle.toLowerCase();
  const own = [...state.posts.values()].filter(
    (p) => !p.deleted && p.author.toLowerCase() === h && p.inReplyTo === null,
  );
  return newestFirst(own).slice(0, limit);
}

/** Mentions of the sandbox user by others: "@user" in the text, or replies to the user's posts. */
export function mentions(state: SandboxState, limit = 40): StoredPost[] {
  const re = new RegExp(`(^|[^A-Za-z0-9_])@${state.user}($|[^A-Za-z0-9_])`, "i");
  const found = [...state.posts.values()].filter((p) => {
    if (p.deleted || isMine(state, p.author)) return false;
    const parent = p.inReplyTo ? state.posts.get(p.inReplyTo) : undefined;
    return re.test(p.text) || (parent !== undefined && isMine(state, parent.author));
  });
  return newestFirst(found).slice(0, limit);
}

/** A status page's conversation: ancestors (oldest first, deleted ones included), then live replies. */
export function conversation(
  state: SandboxState,
  focal: StoredPost,
): { ancestors: StoredPost[]; replies: StoredPost[] } {
  const ancestors: StoredPost[] = [];
  let cur = focal.inReplyTo ? state.posts.get(focal.inReplyTo) : undefined;
  while (cur) {
    ancestors.unshift(cur);
    cur = cur.inReplyTo ? state.posts.get(cur.inReplyTo) : undefined;
  }
  const replies = liveChildren(state, focal.id).sort((a, b) => a.createdAtMs - b.createdAtMs);
  return { ancestors, replies };
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
