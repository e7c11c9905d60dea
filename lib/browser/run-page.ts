/**
 * One page operation: a fresh page, its own timeout and abort signal, failure artifacts, and a
 * page that is always closed afterwards (forcibly on timeout).
 */
import type { BrowserContext, Page } from "playwright-core";
import { XbotError } from "../errors.js";
import type { Logger } from "../log.js";
import { capturePage, type ArtifactLimits, type ArtifactSink } from "./artifacts.js";
import { toPageError, withArtifact } from "./page-errors.js";
import type { BrowserStats } from "./request-blocking.js";
import { settlesWithin } from "./teardown.js";

/**
 * Options of one withPage call. A failing call can take up to timeoutMs + the artifact
 * capture budget (2 s) + 1 s for the forced page close before it rejects.
 */
export interface WithPageOptions {
  /** Whole-operation budget. Default: the session's (30 s). */
  readonly timeoutMs?: number;
  /** Aborts the operation (raises XbotError("deadline"), no artifact). */
  readonly signal?: AbortSignal;
}

/** What runPage needs from its session. */
export interface PageRunDeps {
  /** The shared context pages are opened in. */
  readonly context: BrowserContext;
  /** Failure events. */
  readonly logger: Logger;
  /** Counters (pagesOpened is incremented here). */
  readonly stats: BrowserStats;
  /** Artifact destination; none captured when undefined. */
  readonly artifacts: ArtifactSink | undefined;
  /** Capture caps. */
  readonly artifactLimits: ArtifactLimits;
  /** Operation budget when the call gives none. */
  readonly defaultTimeoutMs: number;
  /** Default for page.goto and friends (capped by the operation's timeout). */
  readonly navigationTimeoutMs: number;
  /** True once the browser disconnected (crash, kill). */
  readonly browserGone: () => boolean;
}

type Outcome<T> = { kind: "ok"; value: T } | { kind: "error"; error: unknown } | { kind: "timeout" } | { kind: "aborted" };

/** Runs `fn` on a fresh page of `deps.context`; see {@link WithPageOptions}. */
export async function runPage<T>(deps: PageRunDeps, operation: string, fn: (page: Page) => Promise<T>, options: WithPageOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? deps.defaultTimeoutMs;
  if (options.signal?.aborted) throw abortedError(operation);
  let page: Page;
  try {
    page = await deps.context.newPage();
  } catch (error) {
    throw toPageError(error, { operation, browserGone: deps.browserGone(), timedOut: false, timeoutMs });
  }
  deps.stats.pagesOpened += 1;
  page.setDefaultTimeout(timeoutMs);
  page.setDefaultNavigationTimeout(Math.min(timeoutMs, deps.navigationTimeoutMs));
  try {
    const outcome = await race(
      Promise.resolve().then(() => fn(page)),
      timeoutMs,
      options.signal,
    );
    if (outcome.kind === "ok") return outcome.value;
    if (outcome.kind === "aborted") throw abortedError(operation);
    const error = toPageError(outcome.kind === "error" ? outcome.error : undefined, {
      operation,
      browserGone: deps.browserGone(),
      timedOut: outcome.kind === "timeout",
      timeoutMs,
    });
    throw await attachArtifact(deps, operation, page, error);
  } finally {
    await settlesWithin(page.close({ runBeforeUnload: false }), 1_000);
  }
}

/** Settles with the first of: fn's result, the timeout, the abort. */
async function race<T>(work: Promise<T>, timeoutMs: number, signal: AbortSignal | undefined): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<Outcome<T>>((done) => {
    timer = setTimeout(() => done({ kind: "timeout" }), timeoutMs);
    onAbort = () => done({ kind: "aborted" });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  const settled = work.then(
    (value): Outcome<T> => ({ kind: "ok", value }),
    (error: unknown): Outcome<T> => ({ kind: "error", error }),
  );
  try {
    return await Promise.race([settled, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}

/** Captures and saves an artifact (when a sink is set) and returns the error to throw. */
async function attachArtifact(deps: PageRunDeps, operation: string, page: Page, error: XbotError): Promise<XbotError> {
  if (!deps.artifacts) {
    deps.logger.warn("page operation failed", { operation, code: error.code, error: error.message });
    return error;
  }
  try {
    const captured = deps.browserGone() ? {} : await capturePage(page, deps.artifactLimits);
    const id = await deps.artifacts.save({ operation, error, ...captured });
    deps.logger.warn("page operation failed", { operation, code: error.code, error: error.message, artifact: id });
    return withArtifact(error, id);
  } catch (saveError) {
    deps.logger.warn("page operation failed; artifact not saved", { operation, code: error.code, error: error.message, saveError: String(saveError) });
    return error;
  }
}

function abortedError(operation: string): XbotError {
  return new XbotError("deadline", `${operation} aborted`, { details: { operation } });
}
