/** Per-sandbox context shared by the request handlers. */
import type { ServerResponse } from "node:http";
import type { SandboxState } from "./state.js";
import type { ApiKeys } from "./v2/oauth1.js";
import type { ApiCallRecord } from "./v2/router.js";
import type { PlaywrightStorageState } from "./types.js";

/** Everything a request handler needs. */
export interface SandboxCtx {
  state: SandboxState;
  /** Valid auth_token cookie value. */
  authToken: string;
  /** The token `/__sandbox/*` requires (header `x-sandbox-token`). */
  adminToken: string;
  /** ct0 (CSRF) cookie value handed out in the session. */
  ct0: string;
  /** Cookie domain (the sandbox host). */
  host: string;
  /** Numeric user id of the sandbox user (x.com `rest_id` of the user). */
  userId: string;
  /** GraphQL query ids the page script uses, by operation name (random per sandbox). */
  queryIds: Readonly<Record<string, string>>;
  /** Pending timers (fault `slow`), cleared on close. */
  timers: Set<NodeJS.Timeout>;
  /** Responses held open on purpose (fault `post_without_response`). */
  held: Set<ServerResponse>;
  /** The OAuth 1.0a keys the v2 endpoints accept (issued per sandbox, like the session). */
  apiKeys: ApiKeys;
  /** The issued token was revoked: OAuth 1.0a calls answer 401 (cleared by reset). */
  apiRevoked: boolean;
  /** The app permission the v2 endpoints report in `x-access-level` ("read": writes are refused). */
  apiAccessLevel: "read" | "read-write";
  /** OAuth 2.0 user tokens (rotating refresh token). */
  oauth2: import("./v2/oauth2.js").OAuth2State;
  /** Requests X would count, by kind (cleared by reset). */
  requestCounts: { page: number; graphql: number; api: number };
  /** Every v2 call received, in order (cleared by reset). */
  apiCalls: ApiCallRecord[];
  /** Rate-limit window per v2 endpoint. */
  apiWindows: Map<string, { used: number; resetMs: number }>;
}

/** Playwright storageState with the auth_token (httpOnly) and ct0 cookies for the sandbox host. */
export function sessionState(ctx: SandboxCtx): PlaywrightStorageState {
  const base = { domain: ctx.host, path: "/", expires: -1, secure: false, sameSite: "Lax" as const };
  return {
    cookies: [
      { ...base, name: "auth_token", value: ctx.authToken, httpOnly: true },
      { ...base, name: "ct0", value: ctx.ct0, httpOnly: false },
    ],
    origins: [],
  };
}

/** Waits `ms` with a timer that close() can cancel. */
export function delay(ctx: SandboxCtx, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      ctx.timers.delete(t);
      resolve();
    }, ms);
    ctx.timers.add(t);
  });
}
