/**
 * OAuth 2.0 user tokens of the X API with refresh. X rotates the refresh token on every
 * refresh (the old one dies), so a lost write loses the account: a refresh happens only under
 * a state-store lock per account, re-reads the row under the lock (another run may have
 * rotated it), and writes with compare-and-swap. Tokens are sealed with XBOT_SESSION_KEY
 * (AES-256-GCM) like the session. The refresh goes through twitter-api-v2's
 * `refreshOAuth2Token`; its fixed https://api.x.com URL is re-aimed at `baseUrl` by a plugin.
 * Where the sealed tokens rest ({@link TokenVault}) and the lock ({@link RefreshLock}) are ports
 * the caller hands in: `tokenVault(sql)` (lib/db/oauth2-tokens.ts) and the StateStore.
 */
import { Agent as HttpAgent } from "node:http";
import { TwitterApi, type ITwitterApiClientPlugin } from "twitter-api-v2";
import { seal, unseal, type SealFormat } from "../../browser/sealed.js";
import { XbotError } from "../../errors.js";
import { apiError } from "./api-errors.js";

/** The tokens at rest. */
export interface OAuth2Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresAtMs: number;
}

/** The account's sealed tokens at rest, with the version a compare-and-swap names. */
export interface SealedTokens {
  readonly blob: string;
  readonly version: number;
}

/** Where sealed tokens rest, one row per account (lib/db/oauth2-tokens.ts's `tokenVault(sql)`). */
export interface TokenVault {
  /** The account's sealed tokens, or null when none are stored. */
  read(accountId: string): Promise<SealedTokens | null>;
  /** Replaces the blob only while it is still at `version`; false when another run moved it first. */
  swap(accountId: string, version: number, blob: string): Promise<boolean>;
  /** Stores the blob whatever is there (inserting or replacing). */
  put(accountId: string, blob: string): Promise<void>;
}

/** A lock with an owner and a TTL, as the StateStore keeps them (the StateStore itself fits). */
export interface RefreshLock {
  /** True when `owner` now holds lock `name` (it was free or expired). */
  acquireLock(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Releases lock `name` only if `owner` holds it. */
  releaseLock(name: string, owner: string): Promise<unknown>;
}

/** What a refresh needs. */
export interface OAuth2Options {
  readonly tokens: TokenVault;
  /** Serialises the account's refreshes across runs: one refresh per rotation. */
  readonly lock: RefreshLock;
  readonly accountId: string;
  readonly key: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  /** Origin of the API (the sandbox locally). */
  readonly baseUrl: string;
  readonly owner: string;
  readonly nowMs: () => number;
}

const LOCK_TTL_MS = 30_000;
const EARLY_MS = 60_000;

const TOKENS_FORMAT: SealFormat = { version: "o1", what: "stored OAuth 2.0 tokens" };

/** Seals tokens (AES-256-GCM, `o1.<iv>.<tag>.<ciphertext>`, lib/browser/sealed.ts). */
export function sealTokens(tokens: OAuth2Tokens, key: string): string {
  return seal(JSON.stringify(tokens), key, TOKENS_FORMAT);
}

/** Opens sealed tokens; a wrong key or a damaged blob is `validation`. */
export function openTokens(blob: string, key: string): OAuth2Tokens {
  try {
    return JSON.parse(unseal(blob, key, TOKENS_FORMAT)) as OAuth2Tokens;
  } catch (error) {
    if (error instanceof XbotError && error.code === "validation") throw error;
    throw new XbotError("validation", "stored OAuth 2.0 tokens cannot be opened with XBOT_SESSION_KEY");
  }
}

/** A plugin that sends twitter-api-v2's https://api.x.com requests to `baseUrl`. */
function rebase(baseUrl: string): ITwitterApiClientPlugin {
  return {
    onBeforeRequestConfig: ({ params }) => {
      params.url = params.url.replace(/^https:\/\/api\.x\.com/, baseUrl.replace(/\/+$/, ""));
    },
  };
}

async function refreshAtX(o: OAuth2Options, refreshToken: string): Promise<OAuth2Tokens> {
  const settings = { plugins: [rebase(o.baseUrl)], ...(o.baseUrl.startsWith("http://") ? { httpAgent: new HttpAgent() } : {}) };
  const client = new TwitterApi({ clientId: o.clientId, ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}) }, settings);
  try {
    const r = await client.refreshOAuth2Token(refreshToken);
    if (!r.refreshToken) throw new XbotError("session_expired", "X answered a refresh without a refresh token (is offline.access in the scopes?)");
    return { accessToken: r.accessToken, refreshToken: r.refreshToken, expiresAtMs: o.nowMs() + r.expiresIn * 1000 };
  } catch (error) {
    throw apiError(error, "oauth2_refresh", false);
  }
}

/**
 * A live access token for the account: the stored one while it is good, else one refresh
 * under the account's lock (runs that wait for the lock use what the holder stored).
 */
export async function accessToken(o: OAuth2Options): Promise<string> {
  const lockKey = `oauth2-refresh:${o.accountId}`;
  for (let waited = 0; waited < LOCK_TTL_MS; waited += 100) {
    const row = await o.tokens.read(o.accountId);
    if (!row) throw new XbotError("session_missing", "no OAuth 2.0 tokens stored for this account");
    const tokens = openTokens(row.blob, o.key);
    if (tokens.expiresAtMs - EARLY_MS > o.nowMs()) return tokens.accessToken;
    if (await o.lock.acquireLock(lockKey, o.owner, LOCK_TTL_MS)) {
      try {
        const fresh = await o.tokens.read(o.accountId);
        const current = fresh ? openTokens(fresh.blob, o.key) : tokens;
        if (current.expiresAtMs - EARLY_MS > o.nowMs()) return current.accessToken;
        const next = await refreshAtX(o, current.refreshToken);
        // X has already killed the old refresh token: ours is the live one, so it is stored even if the row moved (a lock that outlived its TTL).
        if (!(await o.tokens.swap(o.accountId, fresh?.version ?? row.version, sealTokens(next, o.key)))) await o.tokens.put(o.accountId, sealTokens(next, o.key));
        return next.accessToken;
      } finally {
        await o.lock.releaseLock(lockKey, o.owner);
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new XbotError("db_contention", "another run held the OAuth 2.0 refresh lock for too long");
}
