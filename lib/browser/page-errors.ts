/**
 * Maps whatever a page operation threw onto XbotError codes:
 * Playwright TimeoutError -> page_timeout; a closed/crashed browser or target -> browser_crashed;
 * anything else -> page_unexpected. XbotErrors thrown by the operation keep their code.
 */
import { XbotError } from "../errors.js";

/** Facts the caller knows better than the error message does. */
export interface PageErrorContext {
  /** The operation name (for example "x.post"). */
  readonly operation: string;
  /** The browser disconnected (crash, kill) during the operation. */
  readonly browserGone: boolean;
  /** Our own timeout fired. */
  readonly timedOut: boolean;
  /** The timeout that applied, for the message. */
  readonly timeoutMs: number;
}

const CRASH_PATTERNS = [
  /target (page, context or browser )?(has been )?closed/i,
  /browser (has been )?closed/i,
  /browser has disconnected/i,
  /target crashed/i,
  /page crashed/i,
  /websocket (error|closed)/i,
  /connection closed/i,
];

/** True when the message says the browser/page/connection went away. */
export function looksLikeCrash(message: string): boolean {
  return CRASH_PATTERNS.some((pattern) => pattern.test(message));
}

/** Converts anything thrown inside a page operation into an XbotError. */
export function toPageError(error: unknown, context: PageErrorContext): XbotError {
  const details = { operation: context.operation };
  if (context.timedOut) {
    return new XbotError("page_timeout", `${context.operation} timed out after ${context.timeoutMs} ms`, { cause: error, details });
  }
  if (error instanceof XbotError) return error;
  const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
  if (context.browserGone || looksLikeCrash(message)) {
    return new XbotError("browser_crashed", `${context.operation}: browser went away (${message})`, { cause: error, details });
  }
  if (isPlaywrightTimeout(error)) {
    return new XbotError("page_timeout", `${context.operation}: ${message}`, { cause: error, details });
  }
  return new XbotError("page_unexpected", `${context.operation}: ${message}`, { cause: error, details });
}

/** A copy of `error` with `artifact` added to its details (details are read-only). */
export function withArtifact(error: XbotError, artifact: string): XbotError {
  const copy = new XbotError(error.code, error.message, {
    cause: error.cause,
    details: { ...error.details, artifact },
  });
  if (error.stack) copy.stack = error.stack;
  return copy;
}

/** Playwright's TimeoutError, recognised by name so playwright-core is not loaded to check it. */
export function isPlaywrightTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === "TimeoutError";
}
