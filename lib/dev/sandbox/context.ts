/** Per-sandbox context shared by the request handlers. */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { hash01 } from "./engagement.js";
import type { SandboxState } from "./state.js";
import type { ApiKeys } from "./v2/oauth1.js";
import type { ApiCallRecord } from "./v2/router.js";
import type { PlaywrightStorageState } from "./types.js";

/**
 * A logged-in user's session: the auth_token and ct0 cookie values it was handed. The sandbox
 * user's own is made with the sandbox; Sandbox.addUser logs in more users (one per account).
 */
export interface SandboxSession {
  readonly handle: string;
  readonly authToken: string;
  readonly ct0: string;
  /** X Premium (CreateNoteTweet accepted); the sandbox user's is SandboxState.premium. */
  readonly premium: boolean;
}

/** Who made a request: the user its auth_token cookie logs in, as x.com resolves it. */
export interface Viewer {
  readonly handle: string;
  /** x.com `rest_id` of the user. */
  readonly userId: string;
  readonly premium: boolean;
}

/** Everything a request handler needs. */
export interface SandboxCtx {
  state: SandboxState;
  /** Valid auth_token cookie value of the sandbox user. */
  authToken: string;
  /** Sessions of the users added with Sandbox.addUser, by auth_token (the sandbox user's is not here). */
  sessions: Map<string, SandboxSession>;
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

/**
 * Playwright storageState with the auth_token (httpOnly) and ct0 cookies for the sandbox host:
 * the sandbox user's, or the given session's.
 */
export function sessionState(ctx: SandboxCtx, session?: SandboxSession): PlaywrightStorageState {
  const base = { domain: ctx.host, path: "/", expires: -1, secure: false, sameSite: "Lax" as const };
  return {
    cookies: [
      { ...base, name: "auth_token", value: session?.authToken ?? ctx.authToken, httpOnly: true },
      { ...base, name: "ct0", value: session?.ct0 ?? ctx.ct0, httpOnly: false },
    ],
    origins: [],
  };
}

/** The user an auth_token cookie logs in, or null (no or unknown token: logged out). */
export function viewerOf(ctx: SandboxCtx, authToken: string | undefined): Viewer | null {
  if (authToken === undefined) return null;
  if (authToken === ctx.authToken) return { handle: ctx.state.user, userId: ctx.userId, premium: ctx.state.premium };
  const session = ctx.sessions.get(authToken);
  return session ? { handle: session.handle, userId: userRestId(ctx, session.handle), premium: session.premium } : null;
}

/**
 * x.com user `rest_id`: the sandbox user's fixed id, else a stable 10-digit number from the
 * handle (the same for every request, as x.com's ids are).
 */
export function userRestId(ctx: SandboxCtx, handle: string): string {
  if (handle.toLowerCase() === ctx.state.user.toLowerCase()) return ctx.userId;
  return String(1_000_000_000 + Math.floor(hash01(11, handle.toLowerCase()) * 8_999_999_999));
}

/** The shape of a sandbox handle, as x.com allows them (1-15 of A-Z, a-z, 0-9, _). */
export const HANDLE = /^[A-Za-z0-9_]{1,15}$/;

/**
 * Logs in one more user (an account of its own: posts, profile, mentions and faults by
 * handle) and returns its session. Throws on a bad or already logged-in handle.
 */
export function addSession(ctx: SandboxCtx, handle: string, options: { premium?: boolean; name?: string; followers?: number } = {}): SandboxSession {
  if (!HANDLE.test(handle)) throw new Error(`not an x.com handle: ${JSON.stringify(handle)} (1-15 of A-Z, a-z, 0-9, _)`);
  const taken = [ctx.state.user, ...[...ctx.sessions.values()].map((s) => s.handle)].some((h) => h.toLowerCase() === handle.toLowerCase());
  if (taken) throw new Error(`@${handle} is logged in already`);
  const info = ctx.state.ensureUser(handle);
  if (options.name !== undefined) info.name = options.name;
  if (options.followers !== undefined) info.followers = options.followers;
  const session = { handle, authToken: randomBytes(20).toString("hex"), ct0: randomBytes(16).toString("hex"), premium: options.premium === true };
  ctx.sessions.set(session.authToken, session);
  return session;
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
