/**
 * x.com's GraphQL read operations, matched by operation NAME (the query id in
 * `/i/api/graphql/<queryId>/<Operation>` changes every few weeks). Each answer is parsed into
 * what it says: a timeline page, a user, X's errors (which arrive with HTTP 200 as often as
 * not), or "unreadable" (a shape we do not know: the caller falls back to the DOM).
 * Paths: UserTweets `data.user.result.timeline.timeline` (older answers `timeline_v2`);
 * TweetDetail `data.threaded_conversation_with_injections_v2`; NotificationsTimeline
 * `data.viewer_v2.user_results.result.notification_timeline.timeline`; HomeTimeline
 * `data.home.home_timeline_urt`; UserByScreenName `data.user.result` (recorded answers in
 * vladkens/twscrape `tests/mocked-data`; notifications as open-source x.com clients read it).
 */
import { z } from "zod";
import { InstructionsSchema, readInstructions, type TimelinePage } from "./timeline.js";
import { parseUserResult, type UserResult } from "./user.js";

/** The read operations the adapter understands. */
export const READ_OPERATIONS = ["UserTweets", "TweetDetail", "NotificationsTimeline", "HomeTimeline", "UserByScreenName"] as const;
/** One of {@link READ_OPERATIONS}. */
export type ReadOperation = (typeof READ_OPERATIONS)[number];

/** One error of X's `errors` array. */
export interface XApiError {
  readonly code: number | null;
  readonly message: string;
}

/** What one GraphQL answer says. */
export type GraphqlAnswer =
  | { readonly kind: "timeline"; readonly page: TimelinePage }
  | { readonly kind: "user"; readonly user: UserResult }
  | { readonly kind: "errors"; readonly status: number; readonly errors: readonly XApiError[] }
  | { readonly kind: "unreadable"; readonly why: string };

const Errors = z.array(z.looseObject({ code: z.number().optional(), message: z.string().optional() }));
const Body = z.looseObject({ data: z.unknown().optional(), errors: Errors.optional() });

/** Walks `path` into `value`; undefined when any step is missing. */
function at(value: unknown, path: readonly string[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function instructionsOf(op: ReadOperation, data: unknown): unknown {
  switch (op) {
    case "UserTweets": {
      const result = at(data, ["user", "result"]);
      return at(result, ["timeline", "timeline", "instructions"]) ?? at(result, ["timeline_v2", "timeline", "instructions"]);
    }
    case "TweetDetail":
      return at(data, ["threaded_conversation_with_injections_v2", "instructions"]);
    case "NotificationsTimeline":
      return at(data, ["viewer_v2", "user_results", "result", "notification_timeline", "timeline", "instructions"]);
    case "HomeTimeline":
      return at(data, ["home", "home_timeline_urt", "instructions"]);
    case "UserByScreenName":
      return undefined;
  }
}

function errorsOf(status: number, body: z.infer<typeof Body>): GraphqlAnswer | null {
  const errors = (body.errors ?? []).map((e) => ({ code: e.code ?? null, message: e.message ?? "" }));
  return errors.length > 0 || status >= 400 ? { kind: "errors", status, errors } : null;
}

/** Parses the answer of `op` (HTTP `status`, body `json`; `json` undefined when unreadable). */
export function parseAnswer(op: ReadOperation, status: number, json: unknown): GraphqlAnswer {
  const body = Body.safeParse(json);
  if (!body.success) return status >= 400 ? { kind: "errors", status, errors: [] } : { kind: "unreadable", why: "body is not a JSON object" };
  const data = body.data.data;
  if (op === "UserByScreenName") {
    const raw = at(data, ["user", "result"]);
    if (raw !== undefined) return { kind: "user", user: parseUserResult(raw) };
    if (data !== undefined && at(data, ["user"]) === undefined && !body.data.errors) return { kind: "user", user: { kind: "unavailable", reason: "NotFound" } };
    return errorsOf(status, body.data) ?? { kind: "unreadable", why: "no data.user" };
  }
  const userResult = op === "UserTweets" ? at(data, ["user", "result"]) : undefined;
  if (userResult !== undefined && at(userResult, ["__typename"]) === "UserUnavailable") return { kind: "user", user: parseUserResult(userResult) };
  const raw = instructionsOf(op, data);
  if (raw === undefined) return errorsOf(status, body.data) ?? { kind: "unreadable", why: `no instructions where ${op} keeps them` };
  const instructions = InstructionsSchema.safeParse(raw);
  if (!instructions.success) return { kind: "unreadable", why: "instructions do not parse" };
  return { kind: "timeline", page: readInstructions(instructions.data) };
}

/** The operation name of a GraphQL url (`/i/api/graphql/<queryId>/<Operation>`), or null. */
export function operationOf(url: string): string | null {
  try {
    return /\/i\/api\/graphql\/[^/]+\/([A-Za-z]+)$/.exec(new URL(url).pathname)?.[1] ?? null;
  } catch {
    return null;
  }
}
