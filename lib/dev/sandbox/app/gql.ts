/** GraphQL calls of the page script, with x.com's headers (CSRF token = ct0 cookie). */
import { config } from "./config.js";
import { ct0 } from "./dom.js";

/** A failed GraphQL call: HTTP status and x.com's error code when the body has one. */
export class GqlError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** A few of x.com's feature switches, sent with every read (ignored by the sandbox). */
const FEATURES = {
  responsive_web_graphql_exclude_directive_enabled: true,
  longform_notetweets_consumption_enabled: true,
  responsive_web_edit_tweet_api_enabled: true,
  view_counts_everywhere_api_enabled: true,
  freedom_of_speech_not_reach_fetch_enabled: true,
  tweet_with_visibility_results_prefer_gql_limited_actions_policy_enabled: true,
};

/** Headers of a GraphQL call (x.com's web client sends these). */
export function gqlHeaders(): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-csrf-token": ct0(),
    authorization: `Bearer ${config().bearer}`,
    "x-twitter-auth-type": "OAuth2Session",
    "x-twitter-active-user": "yes",
  };
}

/** `/i/api/graphql/<queryId>/<op>` with this sandbox's query id. */
export function gqlUrl(op: string): string {
  return `/i/api/graphql/${config().queryIds[op] ?? "unknown"}/${op}`;
}

function firstError(body: unknown): { code: number | null; message: string } {
  const err = (body as { errors?: { code?: unknown; message?: unknown }[] } | null)?.errors?.[0];
  return { code: typeof err?.code === "number" ? err.code : null, message: typeof err?.message === "string" ? err.message : "" };
}

/** A GET read; resolves to the body (which may carry `errors` with HTTP 200), throws GqlError otherwise. */
export async function gqlRead(op: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const qs = new URLSearchParams({ variables: JSON.stringify(variables), features: JSON.stringify(FEATURES) });
  const res = await fetch(`${gqlUrl(op)}?${qs.toString()}`, { credentials: "include", headers: gqlHeaders() });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = firstError(body);
    throw new GqlError(res.status, e.code, e.message || `HTTP ${res.status}`);
  }
  return body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
}

/** The first error of a body answered with HTTP 200, or null. */
export function bodyError(body: Record<string, unknown>): { code: number | null; message: string } | null {
  return Array.isArray(body.errors) && body.errors.length > 0 ? firstError(body) : null;
}
