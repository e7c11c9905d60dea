/**
 * OAuth 2.0 user tokens as X issues them: `POST /2/oauth2/token` with
 * `grant_type=refresh_token` rotates: a new access token AND a new refresh token, and the
 * refresh token used is dead from then on (a second use answers 400 invalid_request). Access
 * tokens are accepted as `Authorization: Bearer` on the v2 endpoints.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { readBody } from "../http.js";

/** The OAuth 2.0 state of a sandbox: its app's client id, the one live refresh token, live access tokens. */
export interface OAuth2State {
  readonly clientId: string;
  refreshToken: string;
  readonly accessTokens: Set<string>;
  /** Refreshes granted (the concurrency tests count them). */
  refreshes: number;
}

const token = () => randomBytes(24).toString("base64url");

/** A fresh OAuth 2.0 state with one live refresh token. */
export function newOAuth2State(): OAuth2State {
  return { clientId: token(), refreshToken: token(), accessTokens: new Set(), refreshes: 0 };
}

/** `POST /2/oauth2/token` (form or JSON body). Rotates the refresh token; any other grant is refused. */
export async function tokenEndpoint(state: OAuth2State, req: IncomingMessage): Promise<{ status: number; body: unknown }> {
  const text = await readBody(req);
  // X takes a form body; twitter-api-v2 sends JSON once its fixed URL is re-aimed at the sandbox.
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(text.trimStart().startsWith("{") ? (JSON.parse(text) as Record<string, string>) : text);
  } catch {
    return { status: 400, body: { error: "invalid_request", error_description: "the body is neither a form nor JSON" } };
  }
  if (form.get("grant_type") !== "refresh_token") return { status: 400, body: { error: "unsupported_grant_type", error_description: "grant_type must be refresh_token" } };
  if (form.get("client_id") !== state.clientId) return { status: 401, body: { error: "unauthorized_client", error_description: "Missing valid authorization header" } };
  if (form.get("refresh_token") !== state.refreshToken) return { status: 400, body: { error: "invalid_request", error_description: "Value passed for the token was invalid." } };
  const access = token();
  state.refreshToken = token();
  state.accessTokens.add(access);
  state.refreshes++;
  return { status: 200, body: { token_type: "bearer", expires_in: 7200, access_token: access, scope: "tweet.read tweet.write users.read offline.access", refresh_token: state.refreshToken } };
}

/** Whether a request carries a live OAuth 2.0 access token. */
export function bearerValid(state: OAuth2State, req: IncomingMessage): boolean {
  const h = req.headers.authorization ?? "";
  return h.startsWith("Bearer ") && state.accessTokens.has(h.slice(7));
}
