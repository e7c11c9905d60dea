/**
 * `POST .../CreateTweet` and `.../CreateNoteTweet` (a Premium long post), answering like
 * x.com: the new id at `data.create_tweet.tweet_results.result.rest_id` (CreateNoteTweet:
 * `data.notetweet_create.tweet_results.result.rest_id`), errors with HTTP 200 (REFERENCE.md).
 * Shape: CreateNoteTweet's answer as open-source x.com clients read it
 * (elizaOS/agent-twitter-client `sendNoteTweet`: `data.notetweet_create.tweet_results.result`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { SandboxCtx, Viewer } from "../context.js";
import { twitterDate } from "../format.js";
import { readJson, sendJson } from "../http.js";
import { MAX_NOTE_WEIGHT, MAX_TWEET_WEIGHT, weightedLength } from "../length.js";
import type { Fault, StoredPost } from "../types.js";
import { AUTOMATED_226_MESSAGE, LOCKED_326_MESSAGE, NOT_AUTHED, RATE_LIMITED, SUSPENDED_64_MESSAGE, xError } from "./errors.js";
import { nodeId } from "./read-ctx.js";
import { resolveAttachments, useAttachments } from "./attachments.js";

const Body = z.object({
  variables: z.object({
    tweet_text: z.string().min(1),
    reply: z.object({ in_reply_to_tweet_id: z.string().regex(/^\d+$/) }).optional(),
    media: z
      .object({ media_entities: z.array(z.object({ media_id: z.union([z.string(), z.number()]) }).loose()).optional() })
      .loose()
      .optional(),
    attachment_url: z.string().optional(),
  }),
  queryId: z.string().optional(),
});

/** x.com's GraphQL result for a created tweet (a long post also carries `note_tweet`). */
function created(ctx: SandboxCtx, viewer: Viewer, post: StoredPost, note: boolean): unknown {
  const user = { screen_name: post.author, name: ctx.state.userInfo(post.author)?.name ?? post.author };
  const parent = post.inReplyTo ? ctx.state.posts.get(post.inReplyTo) : undefined;
  const legacy = {
    full_text: post.text,
    created_at: twitterDate(post.createdAtMs),
    id_str: post.id,
    conversation_id_str: post.threadRootId,
    in_reply_to_status_id_str: post.inReplyTo ?? undefined,
    in_reply_to_screen_name: parent?.author,
    user_id_str: viewer.userId,
    favorite_count: 0,
    retweet_count: 0,
    reply_count: 0,
    quote_count: 0,
    bookmark_count: 0,
    lang: "en",
  };
  const core = { user_results: { result: { __typename: "User", rest_id: viewer.userId, legacy: user } } };
  const noteTweet = { is_expandable: true, note_tweet_results: { result: { id: nodeId("NoteTweet", post.id), text: post.text } } };
  const result = { __typename: "Tweet", rest_id: post.id, core, legacy, ...(note ? { note_tweet: noteTweet } : {}) };
  return { data: { [note ? "notetweet_create" : "create_tweet"]: { tweet_results: { result } } } };
}

/** Why a valid request cannot create the tweet (x.com error codes), or null. */
function rejection(ctx: SandboxCtx, viewer: Viewer, text: string, replyTo: string | undefined, note: boolean): unknown {
  const tooLong = note ? !viewer.premium || weightedLength(text) > MAX_NOTE_WEIGHT : weightedLength(text) > MAX_TWEET_WEIGHT;
  if (tooLong) return xError(186, "Tweet needs to be a bit shorter.");
  if (replyTo && !ctx.state.livePost(replyTo)) {
    return xError(385, "You attempted to reply to a Tweet that is deleted or not visible to you.");
  }
  const user = viewer.handle.toLowerCase();
  const dup = [...ctx.state.posts.values()].some((p) => !p.deleted && p.author.toLowerCase() === user && p.text === text);
  return dup ? xError(187, "Status is a duplicate.") : null;
}

/** What a fault imposes on a create call: an answer, "hold" (record, never answer), "vanish" or null. */
function faultAnswer(fault: Fault | null): { status: number; body: unknown } | "hold" | "vanish" | null {
  switch (fault?.kind) {
    case "login_wall":
      return { status: 401, body: NOT_AUTHED };
    case "rate_limit_429":
      return { status: 429, body: RATE_LIMITED };
    case "automated_226": {
      const err = { code: 226, message: AUTOMATED_226_MESSAGE, kind: "Permissions", name: "AuthorizationError" };
      return { status: 200, body: { errors: [err], data: {} } };
    }
    case "suspended":
      return { status: 200, body: xError(64, SUSPENDED_64_MESSAGE) };
    case "restricted":
      return { status: 200, body: xError(326, LOCKED_326_MESSAGE) };
    case "post_without_response":
      return "hold";
    case "vanishing_post":
      return "vanish";
    default:
      return null;
  }
}

/** Handles CreateTweet / CreateNoteTweet after auth: body, faults, validation, record. */
export async function handleCreate(ctx: SandboxCtx, viewer: Viewer, req: IncomingMessage, res: ServerResponse, note: boolean): Promise<void> {
  const parsed = Body.safeParse(await readJson(req));
  if (!parsed.success) return sendJson(res, 400, xError(214, `Bad request: ${parsed.error.issues[0]?.message ?? "invalid"}`));
  const forced = faultAnswer(ctx.state.consumeFault("api", viewer.handle));
  if (forced && typeof forced === "object") {
    if (forced.status === 429) res.setHeader("x-rate-limit-remaining", "0");
    return sendJson(res, forced.status, forced.body);
  }
  const { tweet_text: text, reply } = parsed.data.variables;
  const rejected = rejection(ctx, viewer, text, reply?.in_reply_to_tweet_id, note);
  if (rejected) return sendJson(res, 200, rejected);
  const attached = resolveAttachments(ctx, parsed.data.variables);
  if ("error" in attached) return sendJson(res, 200, attached.error);
  useAttachments(ctx, attached.photos);
  const vanished = forced === "vanish";
  const extra = { photos: attached.photos, ...(attached.quoteOf ? { quoteOf: attached.quoteOf } : {}) };
  const post = ctx.state.addPost({ author: viewer.handle, text, inReplyTo: reply?.in_reply_to_tweet_id ?? null, vanished, ...extra });
  if (forced === "hold") {
    ctx.held.add(res);
    res.on("close", () => ctx.held.delete(res));
    return;
  }
  sendJson(res, 200, created(ctx, viewer, post, note));
}
