/**
 * The X session at rest: a Playwright storage state encrypted with AES-256-GCM.
 *
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url; a random 12-byte IV per blob;
 * the version prefix is bound in as additional authenticated data.
 *
 * Error codes: a malformed key or blob, or a decrypted state that fails validation, is
 * XbotError("validation"); a blob that fails GCM authentication (wrong key, or tampered) is
 * XbotError("config_invalid") with details.reason "auth_failed".
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { XbotError } from "../errors.js";
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

const VERSION = "v1";
const AAD = Buffer.from(`xbot-session:${VERSION}`);
const KEY_FORMAT = "session key must be 32 bytes: 64 hex characters, or base64/base64url (e.g. `openssl rand -base64 32`)";

/** Decodes a 32-byte key given as 64 hex chars or base64/base64url. Throws XbotError("validation"). */
export function parseSessionKey(key: string): Buffer {
  const text = key.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (bytes.length === 32) return bytes;
  }
  throw new XbotError("validation", KEY_FORMAT);
}

/** Validates and encrypts a storage state into a `v1.` blob. */
export function encryptSession(state: StorageState, key: string): string {
  const secret = parseSessionKey(key);
  const plain = Buffer.from(JSON.stringify(parseStorageState(state)), "utf8");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", secret, iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv, tag, body].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
}

/** Decrypts and validates a `v1.` blob (see the module doc for error codes). */
export function decryptSession(blob: string, key: string): StorageState {
  const secret = parseSessionKey(key);
  const parts = blob.trim().split(".");
  const [version, ivText, tagText, bodyText] = parts;
  if (parts.length !== 4 || version !== VERSION || ivText === undefined || tagText === undefined || bodyText === undefined) {
    throw new XbotError("validation", `session blob is not in ${VERSION} format (v1.<iv>.<tag>.<ciphertext>)`);
  }
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== 12 || tag.length !== 16) throw new XbotError("validation", "session blob has a bad IV or auth tag length");
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", secret, iv, { authTagLength: 16 });
    decipher.setAAD(AAD);
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(Buffer.from(bodyText, "base64url")), decipher.final()]);
  } catch {
    throw new XbotError("config_invalid", "session blob failed authentication: the session key is wrong, or the blob was modified", {
      details: { reason: "auth_failed" },
    });
  }
  return parseStorageState(plain.toString("utf8"));
}
