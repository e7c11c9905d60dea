/**
 * X API v2 error bodies (problem details: `title`, `detail`, `type`, `status`) and the
 * rate-limit headers every v2 answer carries (docs.x.com/fundamentals/rate-limits, read
 * 2026-12-02: `x-rate-limit-limit`, `x-rate-limit-remaining`, `x-rate-limit-reset` in Unix seconds).
 */
import type { ServerResponse } from "node:http";
import { sendJson } from "../http.js";

/** A v2 problem body. */
export function problem(status: number, title: string, detail: string, type = "about:blank"): { title: string; detail: string; type: string; status: number } {
  return { title, detail, type, status };
}

/** 401: the OAuth signature or token was rejected. */
export const UNAUTHORIZED = problem(401, "Unauthorized", "Unauthorized");
/** 403 of a duplicate post (the wording X's v2 answers with). */
export const DUPLICATE = problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.");
/** 403 of a reply to a deleted or hidden post. */
export const REPLY_DELETED = problem(403, "Forbidden", "You attempted to reply to a Tweet that is deleted or not visible to you.");
/** 403 of the automation filter (the v2 counterpart of 226). */
export const AUTOMATED = problem(
  403,
  "Forbidden",
  "This request looks like it might be automated. To protect our users from spam and other malicious activity, we can't complete this action right now.",
);
/** 403 of a read-only app that tries to write. */
export const READ_ONLY = problem(
  403,
  "Forbidden",
  "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
  "https://api.twitter.com/2/problems/oauth1-permissions",
);

/** Rate-limit window of the sandbox's v2 endpoints (15 minutes, like X's). */
export const WINDOW_MS = 15 * 60_000;

/** Sends a v2 answer with rate-limit headers for a window of `limit` calls resetting at `resetMs`. */
export function sendV2(res: ServerResponse, status: number, body: unknown, limit: { limit: number; remaining: number; resetMs: number }): void {
  res.setHeader("x-rate-limit-limit", String(limit.limit));
  res.setHeader("x-rate-limit-remaining", String(Math.max(0, limit.remaining)));
  res.setHeader("x-rate-limit-reset", String(Math.ceil(limit.resetMs / 1000)));
  sendJson(res, status, body);
}
