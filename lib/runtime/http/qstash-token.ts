/**
 * The QStash delivery token (`Upstash-Signature`): verified with the SDK's Receiver, then its
 * signed claims read. QStash's JWT is HS256 with `iss` "Upstash", `sub` the destination URL,
 * `exp`/`nbf`/`iat` (a 5-minute lifetime by default), a unique `jti` and `body`, the
 * base64url SHA-256 of the raw body (https://upstash.com/docs/qstash/features/security).
 * The Receiver checks the key (current, then next), `iss`, `exp`/`nbf`, `sub` and `body`;
 * it does not remember tokens, so replay protection is ours: the `jti` is claimed once.
 */
import { lazyUntilRejected } from "../../promise-cache.js";
import type { Config } from "../../config.js";
import type { Logger } from "../../log.js";

/** The SDK, imported on the first delivery: a cron or manual run of a job function never loads it (cold import). */
const loadQStash = lazyUntilRejected(() => import("@upstash/qstash"));

/** Clock skew tolerated between QStash and us when remembering a token (the Receiver itself allows none). */
export const TOKEN_SKEW_MS = 5 * 60_000;

/** The signed claims xbot uses. */
export interface TokenClaims {
  /** Unique id of this token: one token runs at most once. */
  readonly jti: string;
  /** Expiry, ms since the epoch. */
  readonly expMs: number;
}

/** The verdict on a token: its claims, or why it is refused (the cause is logged, not sent). */
export type TokenCheck = { readonly ok: true; readonly claims: TokenClaims } | { readonly ok: false; readonly message: string };

/**
 * The URL the token's `sub` must name. With XBOT_PUBLIC_URL, that origin and the request's
 * path; otherwise the request's own URL (on Vercel, the Host the platform routed this
 * deployment on: https://vercel.com/docs/headers/request-headers says `host` is the domain
 * the client accessed and `x-forwarded-host` is identical to it; the local server builds it
 * from its socket unless XBOT_TRUST_PROXY, see lib/dev/http-adapter.ts).
 */
function expectedUrl(config: Pick<Config, "XBOT_PUBLIC_URL">, requestUrl: string): string {
  if (!config.XBOT_PUBLIC_URL) return requestUrl;
  const url = new URL(requestUrl);
  return new URL(config.XBOT_PUBLIC_URL).origin + url.pathname + url.search; // concatenated: a "//host" path must not become the host
}

/** Verifies a token over the raw body and the expected URL, and reads its claims. */
export async function checkToken(config: Config, log: Logger, input: { signature: string; body: string; url: string }): Promise<TokenCheck> {
  const { Receiver } = await loadQStash();
  const receiver = new Receiver({ currentSigningKey: config.QSTASH_CURRENT_SIGNING_KEY!, nextSigningKey: config.QSTASH_NEXT_SIGNING_KEY!, devMode: false });
  const url = expectedUrl(config, input.url);
  try {
    await receiver.verify({ signature: input.signature, body: input.body, url });
  } catch (error) {
    // A misconfigured key looks exactly like a forgery from outside: the cause is logged.
    log.warn("QStash delivery refused: signature did not verify", { url, cause: error instanceof Error ? error.message : String(error) });
    return { ok: false, message: "invalid Upstash-Signature for this body and URL" };
  }
  const claims = readClaims(input.signature);
  if (!claims) {
    log.warn("QStash delivery refused: verified token lacks a usable jti or exp", { url });
    return { ok: false, message: "Upstash-Signature lacks a usable jti or exp claim" };
  }
  return { ok: true, claims };
}

/** The jti and exp of a token whose signature was verified already. */
function readClaims(token: string): TokenClaims | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { jti?: unknown; exp?: unknown };
    if (typeof payload.jti !== "string" || !/^[A-Za-z0-9_.:-]{1,128}$/.test(payload.jti)) return null;
    if (typeof payload.exp !== "number" || !Number.isFinite(payload.exp)) return null;
    return { jti: payload.jti, expMs: payload.exp * 1000 };
  } catch {
    return null; // unreachable after a successful verify; a null is refused by the caller
  }
}

/** How long a token's jti is remembered: until it expires, plus skew. */
export function jtiTtlMs(claims: TokenClaims, nowMs: number): number {
  return Math.max(0, claims.expMs - nowMs) + TOKEN_SKEW_MS;
}
