/**
 * The GraphQL-first step every reader shares: open a page with a watch on its GraphQL
 * answers, and return the first answer of the operation the page asks for. X's own errors
 * become typed errors (expired session, suspended, restricted); throttling (HTTP 429, code
 * 88, or the "Something went wrong" state) is retried with backoff and then `x_unavailable`.
 * Null means "no usable answer": the caller reads the DOM instead.
 */
import type { Page } from "playwright-core";
import { XbotError } from "../../errors.js";
import { detectWall, SESSION_EXPIRED_MESSAGE } from "../detect.js";
import { navigate, urlOf, waitMsOf } from "../dom.js";
import type { GraphqlAnswer, ReadOperation, XApiError } from "../graphql/operations.js";
import { watchGraphql, type GraphqlWatch } from "../graphql/watch.js";
import { RETRY_BACKOFF_MS, retryThrottled, stateError, throwOnHardState } from "../states.js";
import type { XSite } from "../types.js";

/** A page opened for reading, with its GraphQL watch (stop it when done). */
export interface OpenedRead {
  readonly watch: GraphqlWatch;
  /** The first usable answer, or null (no answer, or one we cannot read). */
  readonly answer: GraphqlAnswer | null;
}

function hasCode(errors: readonly XApiError[], ...codes: number[]): boolean {
  return errors.some((e) => e.code !== null && codes.includes(e.code));
}

/** Typed error for X's answer errors, "retry" for throttling, or null (the answer is data enough, e.g. 144). */
function errorOfAnswer(answer: GraphqlAnswer & { kind: "errors" }, site: XSite, user: string | null): XbotError | "retry" | null {
  const { status, errors } = answer;
  if (status === 429 || hasCode(errors, 88)) return "retry";
  if (status === 401 || hasCode(errors, 32, 89)) return new XbotError("session_expired", SESSION_EXPIRED_MESSAGE, { details: { status } });
  if (hasCode(errors, 64)) return stateError("suspended", site, user);
  if (hasCode(errors, 326)) return stateError("restricted", site, user);
  if (hasCode(errors, 144)) return null;
  return status >= 500 || status === 0 ? "retry" : null;
}

/** Waits for `op`'s answer, retrying throttling; null when none came or it is unusable. */
async function usableAnswer(page: Page, site: XSite, watch: GraphqlWatch, op: ReadOperation, user: string | null): Promise<GraphqlAnswer | null> {
  let after = 0;
  for (let attempt = 0; ; attempt++) {
    const seen = await watch.next(op, waitMsOf(site), after);
    after = watch.seen(op).length;
    // Only a page without an answer needs reading for its state (X's answer says the rest).
    const state = seen === null ? await throwOnHardState(page, site, user) : null;
    const verdict = seen?.answer.kind === "errors" ? errorOfAnswer(seen.answer, site, user) : state === "throttled" ? "retry" : null;
    if (verdict instanceof XbotError) throw verdict;
    if (verdict === null) return seen && isUsable(seen.answer) ? seen.answer : logUnusable(site, op, seen?.answer ?? null);
    if (attempt >= RETRY_BACKOFF_MS.length) throw stateError("throttled", site, user);
    await retryThrottled(page, site, attempt);
  }
}

/**
 * Data, or X saying the tweet does not exist (144): both are answers a reader can act on. A
 * timeline with items we cannot parse is not: the rendered page is read instead.
 */
function isUsable(answer: GraphqlAnswer): boolean {
  if (answer.kind === "timeline") return answer.page.unreadable === 0;
  return answer.kind === "user" || (answer.kind === "errors" && hasCode(answer.errors, 144));
}

function logUnusable(site: XSite, op: ReadOperation, answer: GraphqlAnswer | null): null {
  const reason = answer === null ? "no answer" : answer.kind === "unreadable" ? answer.why : answer.kind === "timeline" ? `${answer.page.unreadable} unreadable items` : answer.kind;
  site.logger?.warn("x.read.graphql_unusable", { op, reason });
  return null;
}

/**
 * Opens `path` (watching GraphQL first), checks for walls, and returns the first usable
 * answer of `op`. `user` is the profile being read, for suspended/restricted errors.
 */
export async function openForRead(page: Page, site: XSite, path: string, op: ReadOperation, user: string | null = null): Promise<OpenedRead> {
  const watch = watchGraphql(page);
  try {
    await navigate(page, urlOf(site, path));
    await detectWall(page, { waitMs: waitMsOf(site) });
    return { watch, answer: await usableAnswer(page, site, watch, op, user) };
  } catch (error) {
    watch.stop();
    throw error;
  }
}
