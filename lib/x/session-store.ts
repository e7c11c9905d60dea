/**
 * The X session at rest: one row of `x_sessions` per account, holding the Playwright storage
 * state encrypted with AES-256-GCM under XBOT_SESSION_KEY (see lib/browser/session.ts).
 *
 * ```ts
 * const vault = sessionVault(sql);                                                // lib/db/x-sessions.ts
 * const validate = validateWithBrowser((state) => openBrowser({ provider, logger, storageState: state }), site);
 * await importSession(vault, { accountId, key, state: exportedJson, validate });   // validated, then stored
 * const stored = await loadSession(vault, accountId, key);                          // null when none
 * await saveRotatedSession(vault, accountId, key, await browser.storageState());   // after a run
 * ```
 *
 * This module seals and opens; where the sealed blobs rest is the {@link SessionVault} port its
 * caller hands it, so lib/x never reaches the database itself.
 *
 * Cookie values never reach a log line or an error message: only names, counts and hashes.
 */
import { createHash } from "node:crypto";
import type { BrowserSession } from "../browser/session-browser.js";
import { encryptSession, decryptSession, parseSessionKey, parseStorageState, type StorageState } from "../browser/session.js";
import { toXbotError, XbotError } from "../errors.js";
import type { Logger } from "../log.js";
import { checkSession } from "./session-check.js";
import type { XSite } from "./types.js";

/** One account's session as it rests in a {@link SessionVault}: the blob is sealed (see lib/browser/session.ts). */
export interface SealedSession {
  readonly blob: string;
  /** Handle recorded at import; null for rows written by other tools. */
  readonly username: string | null;
  /** When the session was last proven logged in; null when never. */
  readonly validatedAt: Date | null;
}

/**
 * Where sealed sessions rest, one per account: the port this module is handed (lib/db/x-sessions.ts's
 * `sessionVault(sql)` keeps them in `x_sessions`). It never sees a cookie, only sealed blobs.
 */
export interface SessionVault {
  /** The account's sealed session, or null when none is stored. */
  read(accountId: string): Promise<SealedSession | null>;
  /** Inserts or replaces the account's session. */
  write(accountId: string, session: SealedSession & { readonly username: string; readonly validatedAt: Date }): Promise<void>;
  /** Replaces the blob (only) while it is still `expected` (compare and set); true when it was replaced. */
  replaceBlob(accountId: string, expected: string, next: string): Promise<boolean>;
}

/** Proves a storage state is logged in; returns the handle it is logged in as. */
export type SessionValidator = (state: StorageState) => Promise<{ user: string }>;

/** Opens a browser session whose context starts from `state`. */
export type SessionBrowserOpener = (state: StorageState) => Promise<BrowserSession>;

/** Options of {@link importSession}. */
export interface ImportSessionOptions {
  /** The x_sessions row to write (config XBOT_ACCOUNT_ID). */
  readonly accountId: string;
  /** XBOT_SESSION_KEY: 32 bytes as 64 hex chars or base64/base64url. */
  readonly key: string;
  /** Playwright storage state: its JSON text, or the parsed object. */
  readonly state: unknown;
  /** Must resolve only when the state is really logged in (see {@link validateWithBrowser}). */
  readonly validate: SessionValidator;
  /** Receives `x.session.*` events (never cookie values). */
  readonly logger?: Logger | undefined;
  /** Clock for validated_at. Default Date.now(). */
  readonly nowMs?: number;
}

/** What {@link importSession} stored. */
export interface ImportedSession {
  /** The handle the session is logged in as (from `validate`). */
  readonly username: string;
  readonly validatedAt: Date;
  /** Cookies in the stored state. */
  readonly cookieCount: number;
}

/** A decrypted session as {@link loadSession} returns it. */
export interface StoredSession extends Omit<SealedSession, "blob"> {
  readonly state: StorageState;
}

/** Outcome of {@link saveRotatedSession}. */
export type RotationOutcome =
  /** The cookie set changed and the new blob replaced the stored one. */
  | "saved"
  /** Same cookies as stored: nothing written. */
  | "unchanged"
  /** No session stored for the account (only importSession creates rows). */
  | "missing"
  /** The state has no auth_token cookie any more (logged out): the stored session is kept. */
  | "logged_out"
  /** The row changed between our read and our write (a concurrent import): left alone. */
  | "conflict";

/**
 * Validates and stores a session: the key and the storage state are checked first, then
 * `validate` must prove the state is logged in, and only then is the encrypted blob upserted
 * with the username and validated_at. Any failure stores nothing.
 *
 * Errors: bad key or malformed state → XbotError("validation"); whatever `validate` throws
 * (typically `session_expired`, `x_challenge`, `browser_launch`) propagates unchanged
 * (non-XbotErrors become `internal`).
 */
export async function importSession(vault: SessionVault, options: ImportSessionOptions): Promise<ImportedSession> {
  const { accountId, key, logger } = options;
  parseSessionKey(key);
  const state = parseStorageState(options.state);
  if (!state.cookies.some((cookie) => cookie.name === "auth_token")) {
    throw new XbotError("validation", "storage state has no auth_token cookie: export it from a browser that is logged in to x.com", {
      details: { cookieNames: [...new Set(state.cookies.map((cookie) => cookie.name))].slice(0, 20) },
    });
  }
  let user: string;
  try {
    ({ user } = await options.validate(state));
  } catch (error) {
    const failure = toXbotError(error);
    logger?.warn("x.session.import_rejected", { accountId, code: failure.code });
    throw failure;
  }
  if (typeof user !== "string" || user.length === 0) throw new XbotError("internal", "session validator returned no user");
  const validatedAt = new Date(options.nowMs ?? Date.now());
  const blob = encryptSession(state, key);
  await vault.write(accountId, { blob, username: user, validatedAt });
  logger?.info("x.session.imported", { accountId, user, cookieCount: state.cookies.length, stateHash: cookieSetHash(state).slice(0, 12) });
  return { username: user, validatedAt, cookieCount: state.cookies.length };
}

/**
 * The stored session of `accountId`, decrypted, or null when none is stored. A wrong key is
 * XbotError("config_invalid", details.reason "auth_failed"); it is never swallowed.
 */
export async function loadSession(vault: SessionVault, accountId: string, key: string): Promise<StoredSession | null> {
  const sealed = await vault.read(accountId);
  if (!sealed) return null;
  return { state: decryptSession(sealed.blob, key), username: sealed.username, validatedAt: sealed.validatedAt };
}

/**
 * Stores the context's storage state after a run when its cookie set differs from the stored
 * one (compared by {@link cookieSetHash}). Writes only over the exact blob it read, so a
 * concurrent import is never overwritten, and never replaces a session with a logged-out one.
 * validated_at and username are left as they are.
 */
export async function saveRotatedSession(vault: SessionVault, accountId: string, key: string, state: StorageState): Promise<RotationOutcome> {
  const next = parseStorageState(state);
  if (!next.cookies.some((cookie) => cookie.name === "auth_token")) return "logged_out";
  const sealed = await vault.read(accountId);
  if (!sealed) return "missing";
  const stored = decryptSession(sealed.blob, key);
  if (cookieSetHash(stored) === cookieSetHash(next)) return "unchanged";
  return (await vault.replaceBlob(accountId, sealed.blob, encryptSession(next, key))) ? "saved" : "conflict";
}

/**
 * SHA-256 (hex) over the cookie set: name, domain, path, value and expiry (whole seconds) of
 * every cookie, order-independent. Flags are left out so that a browser's normalisation of
 * them does not count as a rotation.
 */
export function cookieSetHash(state: StorageState): string {
  const lines = state.cookies.map((c) => JSON.stringify([c.name, c.domain.toLowerCase(), c.path, c.value, c.expires > 0 ? Math.floor(c.expires) : -1])).sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

/**
 * The `validate` function of {@link importSession}: opens a browser from the given state,
 * runs {@link checkSession} on one page, and always closes the browser.
 */
export function validateWithBrowser(open: SessionBrowserOpener, site: XSite): SessionValidator {
  return async (state) => {
    // try/finally rather than `await using`: dependency-cruiser's swc parser (npm run deps:check) cannot read `using` yet
    const session = await open(state);
    try {
      const check = await session.withPage("session-check", (page) => checkSession(page, site));
      site.logger?.info("x.session.checked", { user: check.user, cookieCount: state.cookies.length });
      return { user: check.user };
    } finally {
      await session[Symbol.asyncDispose]();
    }
  };
}
