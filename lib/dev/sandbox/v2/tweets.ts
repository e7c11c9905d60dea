/**
 * The v2 endpoints xbot uses, over the sandbox's posts: `POST /2/tweets` (create, replies via
 * `reply.in_reply_to_tweet_id`), `GET /2/users/:id/tweets` (the owned timeline, newest first,
 * `start_time`, `max_results` 5-100, `pagination_token`), `GET /2/tweets?ids=` (lookup) and
 * `GET /2/users/me`. Faults of the `api` scope apply to creates as they do to CreateTweet. A
 * Premium user may post up to the long-post weight (X API v2 accepts long posts for Premium).
 */
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { SandboxCtx } from "../context.js";
import { readJson } from "../http.js";
import { MAX_NOTE_WEIGHT, MAX_TWEET_WEIGHT, weightedLength } from "../length.js";
import { followersOf, metricsOf } from "../queries.js";
import type { StoredPost } from "../types.js";
import { AUTOMATED, DUPLICATE, problem, REPLY_DELETED, UNAUTHORIZED } from "./problems.js";

/** An answer: status and body (the router adds the rate-limit headers). */
export type V2Answer = { status: number; body: unknown; resetMs?: number } | "hold";

// POST /2/tweets body fields xbot sends (docs.x.com/x-api/posts/create-post: `reply.in_reply_to_tweet_id`, `quote_tweet_id`).
const Create = z.object({
  text: z.string().min(1),
  reply: z.object({ in_reply_to_tweet_id: z.string().regex(/^\d{1,20}$/) }).optional(),
  quote_tweet_id: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
});

const QUOTE_DELETED = problem(403, "Forbidden", "You attempted to quote a Post that is deleted or not visible to you.");

/** `referenced_tweets` of a post: its parent and the post it quotes. */
function referencesOf(p: StoredPost): { type: string; id: string }[] {
  return [...(p.inReplyTo ? [{ type: "replied_to", id: p.inReplyTo }] : []), ...(p.quoteOf ? [{ type: "quoted", id: p.quoteOf }] : [])];
}

/** The v2 user id of `handle`: the sandbox user's own id, else a stable id made from the handle. */
export function userIdOf(ctx: SandboxCtx, handle: string): string {
  return handle.toLowerCase() === ctx.state.user.toLowerCase() ? ctx.userId : `9${[...handle].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1e9, 7)}`;
}

/** A post in v2's shape (the fields xbot asks for). */
export function tweetV2(ctx: SandboxCtx, p: StoredPost): Record<string, unknown> {
  const m = metricsOf(ctx.state, p);
  const authorId = userIdOf(ctx, p.author);
  return {
    id: p.id,
    text: p.text,
    edit_history_tweet_ids: [p.id],
    created_at: new Date(p.createdAtMs).toISOString(),
    author_id: authorId,
    conversation_id: p.threadRootId,
    ...(referencesOf(p).length > 0 ? { referenced_tweets: referencesOf(p) } : {}),
    ...((p.media ?? 0) > 0 ? { attachments: { media_keys: Array.from({ length: p.media ?? 0 }, (_, i) => `3_${p.id}${i}`) } } : {}),
    public_metrics: { like_count: m.likes, reply_count: m.replies, retweet_count: m.reposts, quote_count: 0, bookmark_count: m.bookmarks, impression_count: m.views },
  };
}

function faultAnswer(ctx: SandboxCtx): V2Answer | "vanish" | null {
  const fault = ctx.state.consumeFault("api");
  switch (fault?.kind) {
    case "login_wall":
      return { status: 401, body: UNAUTHORIZED };
    case "rate_limit_429":
      return { status: 429, body: problem(429, "Too Many Requests", "Too Many Requests"), resetMs: ctx.state.now() + (fault.ms ?? 15 * 60_000) };
    case "automated_226":
      return { status: 403, body: AUTOMATED };
    case "suspended":
      return { status: 403, body: problem(403, "Forbidden", "Your account is suspended and is not permitted to access this feature.") };
    case "restricted":
      return { status: 403, body: problem(403, "Forbidden", "This account is temporarily locked.") };
    case "post_without_response":
      return "hold";
    case "vanishing_post":
      return "vanish";
    default:
      return null;
  }
}

/** `POST /2/tweets`. A held answer records the post and never answers (the client times out). */
export async function createTweet(ctx: SandboxCtx, req: IncomingMessage): Promise<V2Answer> {
  const parsed = Create.safeParse(await readJson(req));
  if (!parsed.success)
    return {
      status: 400,
      body: problem(
        400,
        "Invalid Request",
        `One or more parameters to your request was invalid: ${parsed.error.issues[0]?.message ?? "invalid"}`,
        "https://api.twitter.com/2/problems/invalid-request",
      ),
    };
  const forced = faultAnswer(ctx);
  if (forced && forced !== "hold" && forced !== "vanish") return forced;
  const { text, reply, quote_tweet_id: quoteOf } = parsed.data;
  if (weightedLength(text) > (ctx.state.premium ? MAX_NOTE_WEIGHT : MAX_TWEET_WEIGHT)) return { status: 400, body: problem(400, "Invalid Request", "Your Tweet text is too long.") };
  const replyTo = reply?.in_reply_to_tweet_id;
  if (replyTo && !ctx.state.livePost(replyTo)) return { status: 403, body: REPLY_DELETED };
  if (quoteOf && !ctx.state.livePost(quoteOf)) return { status: 403, body: QUOTE_DELETED };
  const user = ctx.state.user.toLowerCase();
  if ([...ctx.state.posts.values()].some((p) => !p.deleted && p.author.toLowerCase() === user && p.text === text)) return { status: 403, body: DUPLICATE };
  const post = ctx.state.addPost({ author: ctx.state.user, text, inReplyTo: replyTo ?? null, vanished: forced === "vanish", ...(quoteOf ? { quoteOf } : {}) });
  if (forced === "hold") return "hold";
  return { status: 201, body: { data: { id: post.id, text: post.text, edit_history_tweet_ids: [post.id] } } };
}

/** `GET /2/users/:id/tweets` of the sandbox user (other ids: 404 problem). */
export function userTweets(ctx: SandboxCtx, id: string, url: URL): V2Answer {
  if (id !== ctx.userId) return { status: 404, body: problem(404, "Not Found Error", `Could not find user with id: [${id}].`, "https://api.twitter.com/2/problems/resource-not-found") };
  const max = Math.min(100, Math.max(5, Number(url.searchParams.get("max_results") ?? 10) || 10));
  const start = url.searchParams.get("start_time");
  const startMs = start ? Date.parse(start) : -Infinity;
  const user = ctx.state.user.toLowerCase();
  const all = [...ctx.state.posts.values()]
    .filter((p) => p.author.toLowerCase() === user && !p.deleted && !p.vanished && p.createdAtMs >= startMs)
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  const offset = Number(url.searchParams.get("pagination_token") ?? 0) || 0;
  const page = all.slice(offset, offset + max);
  const next = offset + max < all.length ? { next_token: String(offset + max) } : {};
  const meta = { result_count: page.length, ...(page[0] ? { newest_id: page[0].id, oldest_id: page.at(-1)!.id } : {}), ...next };
  return { status: 200, body: page.length > 0 ? { data: page.map((p) => tweetV2(ctx, p)), meta } : { meta } };
}

/**
 * `GET /2/tweets?ids=a,b` (at most 100): found posts in `data`, the others as partial errors
 * in `errors` (`resource_id`, `title: "Not Found Error"`, `type` resource-not-found), the
 * shape of the public spec (docs.x.com/x-api/posts/post-lookup-by-post-ids; twitter-api-v2's
 * `TweetV2LookupResult` and `InlineErrorV2`).
 */
export function lookupTweets(ctx: SandboxCtx, url: URL): V2Answer {
  const ids = (url.searchParams.get("ids") ?? "").split(",").filter(Boolean);
  if (ids.length === 0 || ids.length > 100) return { status: 400, body: problem(400, "Invalid Request", "The `ids` query parameter must hold 1 to 100 ids.") };
  const found = ids.map((id) => ctx.state.livePost(id)).filter((p): p is StoredPost => p !== undefined);
  const missing = ids.filter((id) => !found.some((p) => p.id === id));
  const errors = missing.map((id) => ({
    value: id,
    detail: `Could not find tweet with ids: [${id}].`,
    title: "Not Found Error",
    resource_type: "tweet",
    parameter: "ids",
    resource_id: id,
    type: "https://api.twitter.com/2/problems/resource-not-found",
  }));
  return { status: 200, body: { ...(found.length > 0 ? { data: found.map((p) => tweetV2(ctx, p)) } : {}), ...(errors.length > 0 ? { errors } : {}) } };
}

/** `GET /2/users/me`; `user.fields=public_metrics` adds the user's counts (followers_count from the same source as the profile page). */
export function usersMe(ctx: SandboxCtx, url: URL): V2Answer {
  const info = ctx.state.userInfo(ctx.state.user);
  const fields = (url.searchParams.get("user.fields") ?? "").split(",");
  const metrics = fields.includes("public_metrics")
    ? {
        public_metrics: {
          followers_count: followersOf(ctx.state, ctx.state.user),
          following_count: info?.following ?? 0,
          tweet_count: [...ctx.state.posts.values()].filter((p) => !p.deleted && p.author.toLowerCase() === ctx.state.user.toLowerCase()).length,
          listed_count: 0,
        },
      }
    : {};
  return { status: 200, body: { data: { id: ctx.userId, name: info?.name ?? ctx.state.user, username: ctx.state.user, ...metrics } } };
}
