/**
 * Typed errors. Every failure that crosses a module boundary is an {@link XbotError}
 * with a stable `code`. Whether it is retryable, and which dependency (if any) it
 * counts against, is decided in ONE exhaustive switch: {@link classifyError}.
 */

/** Every error code xbot raises. Adding one forces a decision in `classifyError`. */
export type ErrorCode =
  | "config_invalid"
  | "validation"
  | "unauthorized"
  | "not_found"
  | "conflict"
  | "db_unavailable"
  | "db_query"
  | "db_contention"
  | "state_unavailable"
  | "browser_launch"
  | "browser_crashed"
  | "page_timeout"
  | "page_unexpected"
  | "session_missing"
  | "session_expired"
  | "x_login_wall"
  | "x_challenge"
  | "x_automated"
  | "x_rate_limited"
  | "x_tweet_deleted"
  | "x_tweet_unavailable"
  | "x_unavailable"
  | "x_account_suspended"
  | "x_account_restricted"
  | "x_composer_disabled"
  | "llm_unavailable"
  | "llm_invalid_output"
  | "budget_exhausted"
  | "deadline"
  | "internal";

/** A dependency whose health a circuit breaker tracks. */
export type Dependency = "db" | "state" | "browser" | "llm" | "x";

/** What the runner should do with an error. */
export interface ErrorClass {
  /** Retrying the same call later may succeed. */
  readonly retryable: boolean;
  /** The breaker this failure counts against; null means "not a dependency fault". */
  readonly dependency: Dependency | null;
}

/** The one exhaustive decision of retryability and breaker attribution. */
export function classifyError(code: ErrorCode): ErrorClass {
  switch (code) {
    case "config_invalid":
    case "validation":
    case "unauthorized":
    case "not_found":
    case "conflict":
    case "internal":
      return { retryable: false, dependency: null };
    case "db_unavailable":
      return { retryable: true, dependency: "db" };
    case "db_query":
      return { retryable: false, dependency: null };
    case "db_contention":
      return { retryable: true, dependency: null };
    case "state_unavailable":
      return { retryable: true, dependency: "state" };
    case "browser_launch":
    case "browser_crashed":
    case "page_timeout":
      return { retryable: true, dependency: "browser" };
    case "page_unexpected":
      return { retryable: false, dependency: "x" };
    case "session_missing":
    case "session_expired":
    case "x_login_wall":
    case "x_challenge":
    case "x_automated":
    case "x_rate_limited":
    case "x_account_suspended":
    case "x_account_restricted":
      return { retryable: false, dependency: "x" };
    case "x_unavailable":
      return { retryable: true, dependency: "x" };
    case "x_tweet_deleted":
    case "x_tweet_unavailable":
    case "x_composer_disabled":
      return { retryable: false, dependency: null };
    case "llm_unavailable":
      return { retryable: true, dependency: "llm" };
    case "llm_invalid_output":
      return { retryable: true, dependency: null };
    case "budget_exhausted":
      return { retryable: false, dependency: null };
    case "deadline":
      return { retryable: false, dependency: null };
    default: {
      const unreachable: never = code;
      throw new Error(`unclassified error code ${String(unreachable)}`);
    }
  }
}

/** The one error type xbot throws across module boundaries. */
export class XbotError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Extra structured facts for logs and job_runs (never secrets). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "XbotError";
    this.code = code;
    this.details = options?.details;
  }

  /** Whether retrying may succeed (see {@link classifyError}). */
  get retryable(): boolean {
    return classifyError(this.code).retryable;
  }

  /** The dependency this error counts against, or null. */
  get dependency(): Dependency | null {
    return classifyError(this.code).dependency;
  }

  /** A log-safe plain object. */
  toJSON(): { code: ErrorCode; message: string; retryable: boolean; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, retryable: this.retryable, ...(this.details ? { details: this.details } : {}) };
  }
}

/** Wraps anything thrown into an XbotError; unknown errors become `internal`. */
export function toXbotError(error: unknown): XbotError {
  if (error instanceof XbotError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new XbotError("internal", message, { cause: error });
}
