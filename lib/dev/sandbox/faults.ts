/**
 * Fault scopes: which requests a fault kind applies to, and so which requests count down its
 * `skip` and `count`. A request carries one or more scopes:
 * - `page`: an HTML load (the app shell, or a wall served instead of it);
 * - `api`: CreateTweet / CreateNoteTweet;
 * - `read`: any GraphQL read (UserByScreenName, UserTweets, TweetDetail, NotificationsTimeline,
 *   HomeTimeline);
 * - `timeline`: the timeline reads among them (all but UserByScreenName);
 * - `self_user` / `self_tweets`: UserByScreenName / UserTweets of the sandbox user itself;
 * - `upload_init` / `upload_append`: the INIT / each APPEND command of a media upload.
 * A read fault therefore counts GraphQL requests, never the shell load that triggers them.
 */
import type { Fault, FaultKind } from "./types.js";

/** A request's scope (see the module comment). */
export type FaultScope = "page" | "api" | "read" | "timeline" | "self_user" | "self_tweets" | "upload_init" | "upload_append";

/** Scopes each fault kind applies to. */
export const FAULT_SCOPES: Record<FaultKind, readonly FaultScope[]> = {
  login_wall: ["page", "api", "read"],
  challenge: ["page"],
  slow: ["page"],
  composer_disabled: ["page"],
  automated_226: ["api"],
  rate_limit_429: ["api"],
  post_without_response: ["api"],
  vanishing_post: ["api"],
  timeline_error: ["timeline"],
  graphql_down: ["read"],
  suspended: ["self_user", "self_tweets", "api"],
  restricted: ["self_user", "api"],
  upload_failed: ["upload_append"],
  upload_slow: ["upload_append"],
  upload_rejected_type: ["upload_init"],
};

/** Whether a fault of this kind concerns a request with these scopes. */
export function faultMatches(kind: FaultKind, scopes: readonly FaultScope[]): boolean {
  return FAULT_SCOPES[kind].some((s) => scopes.includes(s));
}

/**
 * Counts one matching request against a fault: "skip" while `skip` lasts, then "apply"
 * (decrementing `count`), or "expired" once `count` is used up. Mutates the fault.
 */
export function countDown(fault: Fault): "skip" | "apply" | "expired" {
  if (fault.skip !== undefined && fault.skip > 0) {
    fault.skip -= 1;
    return "skip";
  }
  if (fault.count === undefined) return "apply";
  if (fault.count <= 0) return "expired";
  fault.count -= 1;
  return "apply";
}
