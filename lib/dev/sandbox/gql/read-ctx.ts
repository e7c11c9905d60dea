/** What every GraphQL answer builder needs: the sandbox, the answer's shape generation and fault flags. */
import type { SandboxCtx, Viewer } from "../context.js";
import type { Variant } from "../types.js";

/**
 * Generation of x.com's answers: "2026" (variant "a": users without `legacy`, UserTweets under
 * `timeline`) or "2024" (variant "b": users with `legacy`, UserTweets under `timeline_v2`).
 * Shape: vladkens/twscrape tests/mocked-data raw_user_tweets.json / raw_user_by_login.json
 * (2026 captures) and old_user_tweets.json / old_user_by_login.json (2024 captures).
 */
export type Generation = "2026" | "2024";

/** Context of one GraphQL read. */
export interface ReadCtx {
  sb: SandboxCtx;
  /** The logged-in user who asked: "self" in every answer (profile, notifications, premium). */
  viewer: Viewer;
  gen: Generation;
  /** The viewer is suspended / restricted for this request (faults). */
  suspended: boolean;
  restricted: boolean;
}

/** The answer generation a DOM variant's page gets. */
export function generationOf(v: Variant): Generation {
  return v === "b" ? "2024" : "2026";
}

/** Base64 of a GraphQL node id, e.g. "User:2244994945" (shape: raw_user_by_login.json `id`). */
export function nodeId(kind: string, restId: string): string {
  return Buffer.from(`${kind}:${restId}`).toString("base64");
}
