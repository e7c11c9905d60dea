/**
 * OAuth 1.0a (RFC 5849) HMAC-SHA1 signature verification, as X checks user-context calls:
 * the signature base string is METHOD & url & the sorted, percent-encoded oauth_* and query
 * parameters (a JSON body is not signed); the key is consumer secret & token secret.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** The four OAuth 1.0a user-context keys of an app and its user. */
export interface ApiKeys {
  readonly appKey: string;
  readonly appSecret: string;
  readonly accessToken: string;
  readonly accessSecret: string;
}

/** RFC 3986 percent-encoding (encodeURIComponent leaves !'()* alone). */
function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The parameters of an `Authorization: OAuth k="v", ...` header, or null. */
function oauthParams(header: string | undefined): Map<string, string> | null {
  if (!header?.startsWith("OAuth ")) return null;
  const out = new Map<string, string>();
  for (const m of header.slice(6).matchAll(/([A-Za-z0-9_]+)="([^"]*)"/g)) out.set(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!));
  return out;
}

/** Why the request's OAuth 1.0a signature does not verify against `keys`, or null when it does. */
export function oauth1Problem(req: IncomingMessage, url: URL, keys: ApiKeys): string | null {
  const params = oauthParams(req.headers.authorization);
  if (!params) return "no OAuth 1.0a Authorization header";
  if (params.get("oauth_consumer_key") !== keys.appKey || params.get("oauth_token") !== keys.accessToken) return "unknown consumer key or token";
  if (params.get("oauth_signature_method") !== "HMAC-SHA1") return "unsupported signature method";
  const signature = params.get("oauth_signature") ?? "";
  const all: [string, string][] = [...params].filter(([k]) => k !== "oauth_signature" && k !== "realm");
  for (const [k, v] of url.searchParams) all.push([k, v]);
  const normalized = all
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const base = `${(req.method ?? "GET").toUpperCase()}&${enc(`http://${req.headers.host ?? ""}${url.pathname}`)}&${enc(normalized)}`;
  const expected = createHmac("sha1", `${enc(keys.appSecret)}&${enc(keys.accessSecret)}`)
    .update(base)
    .digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : "invalid signature";
}
