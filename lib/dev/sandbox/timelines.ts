/**
 * Which posts each timeline lists, newest first, before GraphQL shapes them (gql/*). Vanished
 * posts are never listed; deleted ones only as conversation ancestors (tombstones).
 */
import { liveChildren } from "./queries.js";
import type { SandboxState } from "./state.js";
import type { StoredPost } from "./types.js";

/** A profile timeline unit: a post, or a self-thread (the root and its author's chain under it). */
export interface ThreadUnit {
  root: StoredPost;
  /** The author's own replies continuing the thread, oldest first (empty for a single post). */
  chain: StoredPost[];
}

function newestFirst(posts: StoredPost[]): StoredPost[] {
  return posts.sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : -1));
}

function isListed(p: StoredPost): boolean {
  return !p.deleted && !p.vanished;
}

function sameHandle(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Home timeline: listed posts by anyone, newest first (not in the future of the clock). */
export function homeTimeline(state: SandboxState): StoredPost[] {
  const now = state.now();
  return newestFirst([...state.posts.values()].filter((p) => isListed(p) && p.createdAtMs <= now));
}

/** The author's self-replies continuing from `post`: each step the author's earliest reply. */
export function selfChain(state: SandboxState, post: StoredPost): StoredPost[] {
  const chain: StoredPost[] = [];
  let cur = post;
  for (;;) {
    const next = liveChildren(state, cur.id)
      .filter((c) => c.author === post.author)
      .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : 1))[0];
    if (!next || chain.includes(next)) return chain;
    chain.push(next);
    cur = next;
  }
}

/** A profile's "Posts" tab: the user's top-level posts (self-threads as units), newest first. */
export function profileUnits(state: SandboxState, handle: string): ThreadUnit[] {
  const own = [...state.posts.values()].filter((p) => isListed(p) && sameHandle(p.author, handle) && p.inReplyTo === null);
  return newestFirst(own).map((root) => ({ root, chain: selfChain(state, root) }));
}

/** The author's pinned post: the newest listed post of theirs seeded with `pinned`. */
export function pinnedPost(state: SandboxState, handle: string): StoredPost | undefined {
  const pinned = [...state.posts.values()].filter((p) => p.pinned && isListed(p) && sameHandle(p.author, handle));
  return newestFirst(pinned)[0];
}

/** Mentions of `user` by others: "@user" in the text, or replies to the user's posts. */
export function mentions(state: SandboxState, user: string): StoredPost[] {
  const re = new RegExp(`(^|[^A-Za-z0-9_])@${user}($|[^A-Za-z0-9_])`, "i");
  const found = [...state.posts.values()].filter((p) => {
    if (!isListed(p) || sameHandle(p.author, user)) return false;
    const parent = p.inReplyTo ? state.posts.get(p.inReplyTo) : undefined;
    return re.test(p.text) || (parent !== undefined && sameHandle(parent.author, user));
  });
  return newestFirst(found);
}

/** A status page's conversation: ancestors (oldest first, deleted ones included), then reply threads. */
export function conversation(state: SandboxState, focal: StoredPost): { ancestors: StoredPost[]; replies: ThreadUnit[] } {
  const ancestors: StoredPost[] = [];
  let cur = focal.inReplyTo ? state.visiblePost(focal.inReplyTo) : undefined;
  while (cur && !ancestors.includes(cur)) {
    ancestors.unshift(cur);
    cur = cur.inReplyTo ? state.visiblePost(cur.inReplyTo) : undefined;
  }
  const replies = liveChildren(state, focal.id)
    .sort((a, b) => a.createdAtMs - b.createdAtMs)
    .map((root) => ({ root, chain: selfChain(state, root) }));
  return { ancestors, replies };
}
