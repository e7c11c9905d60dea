/**
 * X API v2 failures as xbot's typed errors, the same codes the browser adapter raises.
 * v2 error bodies are problem details `{ title, detail, type, status }` (docs.x.com,
 * "Error handling"; duplicates answer 403 "You are not allowed to create a Tweet with
 * duplicate content."). Rate limits come as HTTP 429 with `x-rate-limit-reset` (Unix
 * seconds; docs.x.com/fundamentals/rate-limits, read 2026-12-02). Every error of a write
 * says in `details.posted` whether the post may exist: an answer from X means false; no
 * answer after the request was sent (a timeout, a reset connection, a 5xx) means "unknown".
 */
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from "twitter-api-v2";
import { XbotError, type ErrorCode } from "../../errors.js";

/** Network errors that prove the request never reached X. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "CERT_HAS_EXPIRED"]);

function problemText(error: ApiResponseError): string {
  const data = error.data as { title?: unknown; detail?: unknown; errors?: { message?: unknown }[] } | undefined;
  const parts = [data?.title, data?.detail, ...(data?.errors ?? []).map((e) => e.message)].filter((p): p is string => typeof p === "string");
  return parts.join(" — ");
}

function byText(status: number, text: string): { code: ErrorCode; extra?: Record<string, unknown> } {
  if (status === 429) return { code: "x_rate_limited" };
  if (status === 401) return { code: "session_expired" };
  if (/duplicate/i.test(text)) return { code: "validation", extra: { duplicate: true } };
  if (/automated/i.test(text)) return { code: "x_automated" };
  if (/suspended/i.test(text)) return { code: "x_account_suspended" };
  if (/locked/i.test(text)) return { code: "x_account_restricted" };
  if (/deleted or not visible|does not exist/i.test(text)) return { code: "x_tweet_deleted" };
  if (status === 403) return { code: "session_expired", extra: { permission: true } };
  if (status >= 500) return { code: "x_unavailable" };
  return { code: "validation" };
}

function fromResponse(error: ApiResponseError, op: string, write: boolean): XbotError {
  const text = problemText(error);
  const { code, extra } = byText(error.code, text);
  const resetAtMs = error.rateLimit?.reset ? error.rateLimit.reset * 1000 : undefined;
  const posted = write ? (error.code >= 500 ? "unknown" : false) : undefined;
  const details = { status: error.code, via: "api", op, ...(posted !== undefined ? { posted } : {}), ...(resetAtMs ? { resetAtMs } : {}), ...extra };
  const hint = extra?.permission ? " (is the app read-only? it needs Read and write permissions)" : "";
  return new XbotError(code, `X API ${op}: HTTP ${error.code} ${text}${hint}`.trim(), { cause: error, details });
}

/** The typed error of a failed X API call (`write`: the call may have created a post). */
export function apiError(error: unknown, op: string, write: boolean): XbotError {
  if (error instanceof XbotError) return error;
  if (error instanceof ApiResponseError) return fromResponse(error, op, write);
  if (error instanceof ApiRequestError || error instanceof ApiPartialResponseError) {
    const cause = error instanceof ApiRequestError ? (error.requestError as NodeJS.ErrnoException) : undefined;
    const sent = !(cause?.code && NOT_SENT.has(cause.code));
    const posted = write ? (sent ? "unknown" : false) : undefined;
    return new XbotError("x_unavailable", `X API ${op}: no answer (${cause?.code ?? cause?.message ?? error.message})`, {
      cause: error,
      details: { via: "api", op, ...(posted !== undefined ? { posted } : {}) },
    });
  }
  return new XbotError("internal", `X API ${op}: ${error instanceof Error ? error.message : String(error)}`, { cause: error, details: write ? { posted: "unknown" } : {} });
}
