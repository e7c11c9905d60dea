/**
 * The sandbox's X API v2 surface under `/2/...`: every call is OAuth 1.0a-verified against
 * the sandbox's issued keys, answered with rate-limit headers (a 15-minute window per
 * endpoint) and the app's `x-access-level` (a "read" app's writes answer 403), and logged in
 * `ctx.apiCalls` (the per-endpoint counts the budget and read tests assert on).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxCtx } from "../context.js";
import { oauth1Problem } from "./oauth1.js";
import { bearerValid, tokenEndpoint } from "./oauth2.js";
import { problem, READ_ONLY, sendV2, UNAUTHORIZED, WINDOW_MS } from "./problems.js";
import { userMentions } from "./mentions.js";
import { createTweet, lookupTweets, userTweets, usersMe, type V2Answer } from "./tweets.js";

/** Calls per 15-minute window the sandbox allows per endpoint (X's documented order of magnitude). */
const LIMITS: Record<string, number> = { "POST tweets": 100, "GET users/tweets": 900, "GET tweets": 900, "GET users/me": 75, "GET users/mentions": 450 };

/** One v2 call the sandbox received. */
export interface ApiCallRecord {
  readonly method: string;
  readonly endpoint: string;
  status: number;
  readonly atMs: number;
}

function dispatch(ctx: SandboxCtx, req: IncomingMessage, url: URL): { endpoint: string; run: () => Promise<V2Answer> | V2Answer } | null {
  const path = url.pathname.replace(/\/+$/, "");
  const method = req.method ?? "GET";
  if (method === "POST" && path === "/2/tweets") return { endpoint: "POST tweets", run: () => createTweet(ctx, req) };
  if (method === "GET" && path === "/2/tweets") return { endpoint: "GET tweets", run: () => lookupTweets(ctx, url) };
  if (method === "GET" && path === "/2/users/me") return { endpoint: "GET users/me", run: () => usersMe(ctx, url) };
  const timeline = /^\/2\/users\/(\d{1,20})\/tweets$/.exec(path);
  if (method === "GET" && timeline) return { endpoint: "GET users/tweets", run: () => userTweets(ctx, timeline[1]!, url) };
  const mentioned = /^\/2\/users\/(\d{1,20})\/mentions$/.exec(path);
  if (method === "GET" && mentioned) return { endpoint: "GET users/mentions", run: () => userMentions(ctx, mentioned[1]!, url) };
  return null;
}

function window(ctx: SandboxCtx, endpoint: string): { limit: number; remaining: number; resetMs: number } {
  const now = ctx.state.now();
  const w = ctx.apiWindows.get(endpoint);
  const current = w && w.resetMs > now ? w : { used: 0, resetMs: now + WINDOW_MS };
  current.used++;
  ctx.apiWindows.set(endpoint, current);
  const limit = LIMITS[endpoint] ?? 100;
  return { limit, remaining: limit - current.used, resetMs: current.resetMs };
}

/** Handles a request under `/2/`. */
export async function handleV2(ctx: SandboxCtx, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const route = dispatch(ctx, req, url);
  const record: ApiCallRecord = { method: req.method ?? "GET", endpoint: route?.endpoint ?? url.pathname, status: 0, atMs: ctx.state.now() };
  ctx.apiCalls.push(record);
  res.on("finish", () => {
    record.status = res.statusCode;
  });
  const limit = window(ctx, record.endpoint);
  res.setHeader("x-access-level", ctx.apiAccessLevel);
  if (req.method === "POST" && url.pathname === "/2/oauth2/token") {
    const answer = await tokenEndpoint(ctx.oauth2, req);
    return sendV2(res, answer.status, answer.body, limit);
  }
  if (!route) return sendV2(res, 404, problem(404, "Not Found", `no such endpoint: ${req.method} ${url.pathname}`), limit);
  if (!bearerValid(ctx.oauth2, req) && (ctx.apiRevoked || oauth1Problem(req, url, ctx.apiKeys) !== null)) return sendV2(res, 401, UNAUTHORIZED, limit);
  if (limit.remaining < 0) return sendV2(res, 429, problem(429, "Too Many Requests", "Too Many Requests"), limit);
  if (req.method === "POST" && ctx.apiAccessLevel === "read") return sendV2(res, 403, READ_ONLY, limit);
  const answer = await route.run();
  if (answer === "hold") {
    ctx.held.add(res);
    res.on("close", () => ctx.held.delete(res));
    return;
  }
  const resetMs = answer.resetMs ?? limit.resetMs;
  sendV2(res, answer.status, answer.body, { ...limit, ...(answer.status === 429 ? { remaining: 0, resetMs } : {}) });
}
