/** x.com's GraphQL error bodies. Quirk: most arrive with HTTP 200 (REFERENCE.md "X (x.com) web automation"). */

/** Message of x.com's error 226. */
export const AUTOMATED_226_MESSAGE =
  "This request looks like it might be automated. To protect our users from spam and other malicious activity, we can't complete this action right now. Please try again later.";

/** Message of error 64 (suspended account). Source: X API response codes (64 and 326 below). */
export const SUSPENDED_64_MESSAGE = "Your account is suspended and is not permitted to access this feature.";

/** Message of error 326 (temporarily locked account). */
export const LOCKED_326_MESSAGE = "To protect our users from spam and other malicious activity, this account is temporarily locked. Please log in to https://x.com to unlock your account.";

/** An `{"errors":[{code, message, ...}]}` body. */
export function xError(code: number, message: string, extra: Record<string, unknown> = {}): { errors: Record<string, unknown>[] } {
  return { errors: [{ code, message, ...extra }] };
}

/** 401 body: missing or wrong auth_token (also the `login_wall` fault). */
export const NOT_AUTHED = xError(32, "Could not authenticate you.");

/** 403 body: the x-csrf-token header does not match the ct0 cookie. */
export const BAD_CSRF = xError(353, "This request requires a matching csrf cookie and header.");

/** 429 body of a rate-limited request (faults `rate_limit_429`, `timeline_error`). */
export const RATE_LIMITED = xError(88, "Rate limit exceeded.");

/** 404 body of an unknown endpoint or operation. */
export const NO_SUCH_PAGE = xError(34, "Sorry, that page does not exist.");

/**
 * TweetDetail of an unknown (or vanished) id, with HTTP 200.
 * Shape: brief of this sandbox; message as clients report it (dimdenGD/OldTwitter issue #273).
 */
export const STATUS_MISSING_144 = {
  errors: [{ message: "_Missing: No status found with that ID.", code: 144, kind: "NonFatal", name: "GenericError", source: "Server" }],
  data: {},
};
