/**
 * The X API rate card: US dollars per call or per resource, by operation. Defaults are X's
 * pay-per-usage prices from docs.x.com/x-api/getting-started/pricing as read on 2026-12-02:
 * Content: Create $0.015 a request, Content: Create (with URL) $0.200, Posts: Read $0.005 a
 * post returned, User: Read $0.010 a user, Owned Reads (the authenticated user's own posts,
 * mentions, followers) $0.001 a resource. Prices change: the operator overrides any of them
 * with XBOT_X_API_PRICES (a JSON object of these keys).
 */
import { X_API_OPS } from "../../config.js";

/** The priced operations of the API transport. */
export const API_OPS = X_API_OPS;
/** A priced operation. */
export type ApiOp = (typeof API_OPS)[number];

/** When the default prices were read from docs.x.com. */
export const PRICES_AS_OF = "2026-12-02";

/** Dollars per request (`post`, `post_url`) or per resource returned (reads). */
export const DEFAULT_PRICES: Readonly<Record<ApiOp, number>> = Object.freeze({
  post: 0.015,
  post_url: 0.2,
  timeline: 0.001,
  lookup: 0.005,
  me: 0.01,
  /** Counters of many posts, `GET /2/tweets?ids=` (Posts: Read, per post returned). */
  metrics: 0.005,
  /** Our follower count, `GET /2/users/me?user.fields=public_metrics` (User: Read). */
  followers: 0.01,
  /** Our mentions, `GET /2/users/:id/mentions` (an owned read, per post returned). */
  mentions: 0.001,
});

/** Whether an op is priced per request (writes) rather than per resource returned (reads). */
export function perRequest(op: ApiOp): boolean {
  return op === "post" || op === "post_url";
}

/** The rate card: the defaults with the operator's overrides. */
export function rateCard(overrides: Partial<Record<ApiOp, number | undefined>> = {}): Record<ApiOp, number> {
  const card = { ...DEFAULT_PRICES };
  for (const op of API_OPS) {
    const v = overrides[op];
    if (v !== undefined) card[op] = v;
  }
  return card;
}

/** The cost in whole micro-dollars of `resources` of `op` (a write is one request). */
export function costMicros(card: Readonly<Record<ApiOp, number>>, op: ApiOp, resources: number): number {
  return Math.round(card[op] * (perRequest(op) ? 1 : resources) * 1_000_000);
}

/** Whether a post's text holds a URL (X prices such a post as "Content: Create (with URL)"). */
export function hasUrl(text: string): boolean {
  return /https?:\/\/\S|\bwww\.\S|\b[a-z0-9-]+\.(?:com|org|net|io|dev|ai|co|app|me)\b/i.test(text);
}
