/**
 * `/i/api/graphql/<queryId>/<Operation>`: operations are matched by NAME (the query id is
 * whatever the client sends). Reads are GET with `variables` / `features` JSON in the query
 * string; CreateTweet / CreateNoteTweet are POST. Every call needs the `auth_token` cookie
 * (else 401) and an `x-csrf-token` header equal to the `ct0` cookie (else 403).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { viewerOf, type SandboxCtx, type Viewer } from "../context.js";
import type { FaultScope } from "../faults.js";
import { parseCookies, sendJson } from "../http.js";
import type { Variant } from "../types.js";
import { handleCreate } from "./create.js";
import { drift } from "./drift.js";
import { BAD_CSRF, NO_SUCH_PAGE, NOT_AUTHED, RATE_LIMITED, xError } from "./errors.js";
import { tweetDetail } from "./op-detail.js";
import { homeTimelineOp, notificationsOp } from "./op-feeds.js";
import { str, userByScreenName, userTweets, type OpAnswer } from "./op-user.js";
import { generationOf, type ReadCtx } from "./read-ctx.js";

/** A GraphQL path: query id and operation name. */
export const GRAPHQL_PATH = /^\/i\/api\/graphql\/([A-Za-z0-9_-]{1,64})\/([A-Za-z]{1,64})$/;

type Read = (rc: ReadCtx, vars: Record<string, unknown>) => OpAnswer;

const READS: Record<string, Read> = {
  UserByScreenName: userByScreenName,
  UserTweets: userTweets,
  TweetDetail: tweetDetail,
  NotificationsTimeline: notificationsOp,
  HomeTimeline: homeTimelineOp,
};

/** Every operation the page script calls, reads and writes. */
export const OPERATIONS = [...Object.keys(READS), "CreateTweet", "CreateNoteTweet"] as const;

/** The request's variables, or null when they are not a JSON object. */
function variablesOf(url: URL): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(url.searchParams.get("variables") ?? "{}");
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function scopesOf(viewer: Viewer, op: string, vars: Record<string, unknown>): FaultScope[] {
  const scopes: FaultScope[] = ["read"];
  if (op !== "UserByScreenName") scopes.push("timeline");
  if (op === "UserByScreenName" && str(vars, "screen_name")?.toLowerCase() === viewer.handle.toLowerCase()) scopes.push("self_user");
  if (op === "UserTweets" && str(vars, "userId") === viewer.userId) scopes.push("self_tweets");
  return scopes;
}

/** The DOM variant of the page that asked (its `?variant=`, via Referer), else the sandbox's. */
function variantOf(sb: SandboxCtx, req: IncomingMessage): Variant {
  try {
    const q = new URL(req.headers.referer ?? "").searchParams.get("variant");
    if (q === "a" || q === "b") return q;
  } catch {
    // no or bad Referer
  }
  return sb.state.variant;
}

/** Answers a read after auth: faults first, then the operation (drifted under `graphql_down`). */
function answerRead(sb: SandboxCtx, viewer: Viewer, req: IncomingMessage, op: string, read: Read, vars: Record<string, unknown>): OpAnswer & { limited?: true } {
  const fault = sb.state.consumeFault(scopesOf(viewer, op, vars), viewer.handle);
  if (fault?.kind === "login_wall") return { status: 401, body: NOT_AUTHED };
  if (fault?.kind === "timeline_error") return { status: 429, body: RATE_LIMITED, limited: true };
  const rc: ReadCtx = {
    sb,
    viewer,
    gen: generationOf(variantOf(sb, req)),
    suspended: fault?.kind === "suspended",
    restricted: fault?.kind === "restricted",
  };
  const answer = read(rc, vars);
  return fault?.kind === "graphql_down" ? { ...answer, body: drift(answer.body) } : answer;
}

/** Auth of every GraphQL (and upload) call: who is asking, or the error answer. */
export function authorize(sb: SandboxCtx, req: IncomingMessage): { viewer: Viewer } | { denied: OpAnswer } {
  const cookies = parseCookies(req);
  const viewer = viewerOf(sb, cookies.auth_token);
  if (!viewer) return { denied: { status: 401, body: NOT_AUTHED } };
  if (!cookies.ct0 || req.headers["x-csrf-token"] !== cookies.ct0) return { denied: { status: 403, body: BAD_CSRF } };
  return { viewer };
}

/** Handles a `/i/api/graphql/<id>/<op>` request. */
export async function handleGraphql(sb: SandboxCtx, req: IncomingMessage, res: ServerResponse, url: URL, op: string): Promise<void> {
  const read = READS[op];
  const write = op === "CreateTweet" || op === "CreateNoteTweet";
  if (!read && !write) return sendJson(res, 404, NO_SUCH_PAGE);
  if ((write && req.method !== "POST") || (read && req.method !== "GET")) {
    return sendJson(res, 405, xError(405, "Method not allowed"));
  }
  const auth = authorize(sb, req);
  if ("denied" in auth) return sendJson(res, auth.denied.status, auth.denied.body);
  if (write) return handleCreate(sb, auth.viewer, req, res, op === "CreateNoteTweet");
  const vars = variablesOf(url);
  if (!vars || !read) return sendJson(res, 400, xError(214, "Bad request: variables must be a JSON object"));
  const answer = answerRead(sb, auth.viewer, req, op, read, vars);
  if (answer.limited) res.setHeader("x-rate-limit-remaining", "0");
  sendJson(res, answer.status, answer.body);
}
