/**
 * The X session at rest: a Playwright storage state sealed with AES-256-GCM (sealed.ts).
 *
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url; a random 12-byte IV per blob;
 * the version prefix is bound in as additional authenticated data.
 *
 * Error codes: a malformed key or blob, or a decrypted state that fails validation, is
 * XbotError("validation"); a blob that fails GCM authentication (wrong key, or tampered) is
 * XbotError("config_invalid") with details.reason "auth_failed".
 */
import { seal, unseal, type SealFormat } from "./sealed.js";
import { parseStorageState, type StorageState } from "./storage-state.js";

export {
  parseStorageState,
  sessionCookieSummary,
  storageStateSchema,
  X_SESSION_COOKIES,
  type CookieFact,
  type SessionCookieSummary,
  type StorageState,
  type SummaryOptions,
  type XSessionCookie,
} from "./storage-state.js";

export { parseSessionKey } from "./session-key.js";

const SESSION_FORMAT: SealFormat = { version: "v1", aad: Buffer.from("xbot-session:v1"), what: "session blob" };

/** Validates and encrypts a storage state into a `v1.` blob. */
export function encryptSession(state: StorageState, key: string): string {
  return seal(JSON.stringify(parseStorageState(state)), key, SESSION_FORMAT);
}

/** Decrypts and validates a `v1.` blob (see the module doc for error codes). */
export function decryptSession(blob: string, key: string): StorageState {
  return parseStorageState(unseal(blob, key, SESSION_FORMAT));
}
