/**
 * Reading x.com's CreateTweet GraphQL answer: the new tweet's `rest_id`, or the typed error.
 * Every thrown error says in `details.posted` whether the tweet may exist (false | "unknown").
 */
import { XbotError, type ErrorCode } from "../errors.js";

/** A CreateTweet answer that created a tweet. */
export interface CreateTweetOutcome {
  /** The new tweet's id (x.com `rest_id`, 1–20 digits). */
  readonly restId: string;
}

interface XApiError {
  readonly code: number | null;
  readonly message: string;
}

const REST_ID = /^\d{1,20}$/;

/** Error codes with a known meaning; all of them mean "not posted". */
const CODE_MAP: Record<number, { code: ErrorCode; message: string; details?: Record<string, unknown> }> = {
  226: { code: "x_automated", message: "x.com says the request looks automated (226)" },
  88: { code: "x_rate_limited", message: "x.com rate limit exceeded (88)" },
  185: { code: "x_rate_limited", message: "x.com daily post limit reached (185)" },
  344: { code: "x_rate_limited", message: "x.com daily limit reached (344)" },
  186: { code: "validation", message: "the tweet is too long (186)", details: { tooLong: true } },
  187: { code: "validation", message: "x.com rejected a duplicate tweet (187)", details: { duplicate: true } },
  32: { code: "session_expired", message: "session expired: import a new one (32)" },
  89: { code: "session_expired", message: "session expired: import a new one (89)" },
  353: { code: "session_expired", message: "session expired: CSRF token rejected (353)" },
  326: { code: "x_account_restricted", message: "x.com temporarily locked the account (326)" },
  64: { code: "x_account_suspended", message: "the account is suspended (64)" },
  144: { code: "x_tweet_deleted", message: "the tweet replied to does not exist (144)" },
  385: { code: "x_tweet_deleted", message: "the tweet replied to is deleted or not visible (385)" },
};

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * `data.create_tweet.tweet_results.result.rest_id` (or `.result.tweet.rest_id`), when
 * well-formed; long posts answer under `data.notetweet_create` (CreateNoteTweet).
 */
export function restIdOf(json: unknown): string | null {
  const data = field(json, "data");
  const result = field(field(field(data, "create_tweet") ?? field(data, "notetweet_create"), "tweet_results"), "result");
  const id = field(result, "rest_id") ?? field(field(result, "tweet"), "rest_id");
  return typeof id === "string" && REST_ID.test(id) ? id : null;
}

function apiErrors(json: unknown): XApiError[] {
  const list = field(json, "errors");
  if (!Array.isArray(list)) return [];
  return list.map((e) => {
    const code = field(e, "code");
    const message = field(e, "message");
    return { code: typeof code === "number" ? code : null, message: typeof message === "string" ? message : "" };
  });
}

/**
 * Classifies a CreateTweet answer. Returns `{ restId }`, or throws: 226 → `x_automated`;
 * HTTP 429 / code 88 → `x_rate_limited`; HTTP 401/403 → `session_expired`; 186 (too long) and
 * 187 (duplicate, `details.duplicate: true`) → `validation`; a 200 without a readable id or a
 * 5xx → `page_unexpected` with `posted: "unknown"`; other errors → `page_unexpected`, `posted: false`.
 */
export function classifyCreateTweetResponse(status: number, json: unknown): CreateTweetOutcome {
  const restId = restIdOf(json);
  if (restId && status >= 200 && status < 300) return { restId };
  const errors = apiErrors(json);
  const base = { status, xErrors: errors, posted: false as const };
  for (const e of errors) {
    const known = e.code === null ? undefined : CODE_MAP[e.code];
    if (known) throw new XbotError(known.code, known.message, { details: { ...base, ...known.details } });
  }
  if (status === 429) throw new XbotError("x_rate_limited", "x.com rate limit exceeded (HTTP 429)", { details: base });
  if (status === 401 || status === 403) {
    throw new XbotError("session_expired", `session expired: import a new one (HTTP ${status})`, { details: base });
  }
  if (errors.length > 0 && status < 500) {
    const first = errors[0];
    throw new XbotError("page_unexpected", `CreateTweet failed: ${first?.code ?? "?"} ${first?.message ?? ""}`.trim(), { details: base });
  }
  throw new XbotError("page_unexpected", `CreateTweet answered ${status} without a tweet id`, {
    details: { ...base, posted: "unknown", reason: "no_rest_id" },
  });
}
