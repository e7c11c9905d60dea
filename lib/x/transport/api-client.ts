/** The twitter-api-v2 client of the API transport: its options, the budget meter port, and doctor's access check. */
import { Agent as HttpAgent } from "node:http";
import { TwitterApi, type TwitterApiv2 } from "twitter-api-v2";
import { apiError } from "./api-errors.js";
import type { ApiOp } from "./prices.js";

/** What the API transport needs. */
export interface ApiTransportOptions {
  /** Origin of the API, e.g. https://api.x.com or the sandbox url. */
  readonly baseUrl: string;
  readonly appKey: string;
  readonly appSecret: string;
  readonly accessToken: string;
  readonly accessSecret: string;
  /** How long one call may wait for its answer. Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Prices and budgets every call (default: free and unlimited). */
  readonly meter?: ApiMeter;
  /** Keeps who the keys act as across runs (default: looked up once per transport). */
  readonly identity?: ApiIdentityCache;
}

/** The authenticated user of the keys. */
export interface ApiIdentity {
  readonly id: string;
  readonly username: string;
}

/**
 * Where the identity of the keys is kept between runs (`GET /2/users/me` is a paid user
 * lookup). `drop` is called when X refuses the keys (401/403), so a stale id is not reused.
 */
export interface ApiIdentityCache {
  read(): Promise<ApiIdentity | null>;
  write(identity: ApiIdentity): Promise<void>;
  drop(): Promise<void>;
}

/**
 * The budget a transport draws on. `reserve` is called BEFORE a call with the most it can
 * use (a post is one request; a read, a full page) and throws `budget_exhausted` when that
 * would pass the budget; `settle` after it with what was used, returning the rest.
 */
export interface ApiMeter {
  reserve(op: ApiOp, resources: number): Promise<number>;
  settle(op: ApiOp, resources: number, reservedMicros: number): Promise<void>;
}

/** A v2 client (an http:// sandbox gets a plain http agent) and the request options that aim it at `baseUrl`/2/. */
export function v2Client(o: ApiTransportOptions): { v2: TwitterApiv2; req: { prefix: string; timeout: number } } {
  const tokens = { appKey: o.appKey, appSecret: o.appSecret, accessToken: o.accessToken, accessSecret: o.accessSecret };
  const settings = o.baseUrl.startsWith("http://") ? { httpAgent: new HttpAgent({ keepAlive: false }) } : {};
  return { v2: new TwitterApi(tokens, settings).v2, req: { prefix: `${o.baseUrl.replace(/\/+$/, "")}/2/`, timeout: o.timeoutMs ?? 30_000 } };
}

/**
 * Who the keys act as, and the app's permission as X reports it in the `x-access-level` header
 * of OAuth 1.0a calls ("read", "read-write", "read-write-directmessages"; xdevplatform/
 * open-evolution#21). null when the header is absent. For `doctor`.
 */
export async function apiAccess(o: ApiTransportOptions): Promise<{ user: string; accessLevel: string | null }> {
  const { v2, req } = v2Client(o);
  try {
    const resp = await v2.get<{ data: { username: string } }>("users/me", {}, { ...req, fullResponse: true });
    const level = resp.headers["x-access-level"];
    return { user: resp.data.data.username, accessLevel: typeof level === "string" ? level : null };
  } catch (error) {
    throw apiError(error, "me", false);
  }
}
