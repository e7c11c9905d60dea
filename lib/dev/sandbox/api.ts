/** `POST /i/api/graphql/<queryId>/CreateTweet`, answering like x.com's GraphQL endpoint. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { SandboxCtx } from "./context.js";
import { twitterDate } from "./format.js";
import { parseCookies, readJson, sendJson } from "./http.js";
import type { Fault, StoredPost } from "./types.js";

/** Message of x.com's error 226. */
export const AUTOMATED_226_MESSAGE =
  "This request looks like it might be automated. To protect our users from spam and other malicious activity, we can't complete this action right now. Please try again later.";

const Body = z.object({
  variables: z.object({
    tweet_text: z.string().min(1),
    reply: z.object({ in_reply_to_tweet_id: z.string().regex(/^\d+$/) }).optional(),
  }),
  queryId: z.string().optional(),
});

function xError(code: number, message: string, extra: Record<string, unknown> = {}): unknown {
  return { errors: [{ code, message, ...extra }] };
}

const NOT_AUTHED = xError(32, "Could not authenticate you.");

/** x.com's GraphQL result for a created tweet. */
function tweetResult(ctx: SandboxCtx, post: StoredPost): unknown {
  const user = { screen_name: post.author, name: ctx.state.userInfo(post.author)?.name ?? post.author };
  const parent = post.inReplyTo ? ctx.state.posts.get(post.inReplyTo) : undefined;
  const legacy = {
    full_text: post.text,
    created_at: twitterDate(post.createdAtMs),
    id_str: post.id,
    conversation_id_str: post.threadRootId,
    in_reply_to_status_id_str: post.inReplyTo ?? undefined,
    in_reply_to_screen_name: parent?.author,
    user_id_str: ctx.userId,
    favorite_count: 0, retweet_count: 0, reply_count: 0, quote_count: 0, bookmark_count: 0,
    lang: "en",
  };
  const core = { user_results: { result: { __typename: "User", rest_id: ctx.userId, legacy: user } } };
  const result = { __typename: "Tweet", rest_id: post.id, core, legacy };
  return { data: { create_tweet: { tweet_results: { result } } } };
}

/** Why a valid request cannot create the tweet (x.com error codes), or null. */
function rejection(ctx: SandboxCtx, text: string, replyTo: string | undefined): unknown {
  if ([...text].length > 280) return xError(186, "Tweet needs to be a bit shorter.");
  if (replyTo && !ctx.state.livePost(replyTo)) {
    return xError(385, "You attempted to reply to a Tweet that is deleted or not visible to you.");
  }
  const user = ctx.state.user.toLowerCase();
  const dup = [...ctx.state.posts.values()].some(
    (p) => !p.deleted && p.author.toLowerCase() === user && p.text === text,
  );
  return dup ? xError(187, "Status is a duplicate.") : null;
}

/** What a fault imposes on a CreateTweet call: an answer, "hold" (record, never answer) or null. */
function faultAnswer(fault: Fault | null): { status: number; body: unknown } | "hold" | null {
  switch (fault?.kind) {
    case "login_wall":
      return { status: 401, body: NOT_AUTHED };
    case "rate_limit_429":
      return { status: 429, body: xError(88, "Rate limit exceeded.") };
    case "automated_226": {
      const err = { code: 226, message: AUTOMATED_226_MESSAGE, kind: "Permissions", name: "AuthorizationError" };
      return { status: 200, body: { errors: [err], data: {} } };
    }
    case "post_without_response":
      return "hold";
    default:
      return null;
  }
}

/** Handles CreateTweet: auth cookie, CSRF header = ct0 cookie, faults, validation, record. */
export async function handleCreateTweet(ctx: SandboxCtx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const cookies = parseCookies(req);
  if (cookies.auth_token !== ctx.authToken) return sendJson(res, 401, NOT_AUTHED);
  if (!cookies.ct0 || req.headers["x-csrf-token"] !== cookies.ct0) {
    return sendJson(res, 403, xError(353, "This request requires a matching csrf cookie and header."));
  }
  const parsed = Body.safeParse(await readJson(req));
  if (!parsed.success) return sendJson(res, 400, xError(214, `Bad request: ${parsed.error.issues[0]?.message ?? "invalid"}`));
  const forced = faultAnswer(ctx.state.consumeFault("api"));
  if (forced && forced !== "hold") {
    if (forced.status === 429) res.setHeader("x-rate-limit-remaining", "0");
    return sendJson(res, forced.status, forced.body);
  }
  const { tweet_text: text, reply } = parsed.data.variables;
  const rejected = rejection(ctx, text, reply?.in_reply_to_tweet_id);
  if (rejected) return sendJson(res, 200, rejected);
  const post = ctx.state.addPost({ author: ctx.state.user, text, inReplyTo: reply?.in_reply_to_tweet_id ?? null });
  if (forced === "hold") {
    ctx.held.add(res);
    res.on("close", () => ctx.held.delete(res));
    return;
  }
  sendJson(res, 200, tweetResult(ctx, post));
}
