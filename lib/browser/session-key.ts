/** The session key (XBOT_SESSION_KEY) that seals every secret at rest (sealed.ts). */
import { XbotError } from "../errors.js";

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
