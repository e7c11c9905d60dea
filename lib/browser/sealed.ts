/**
 * Secrets at rest, sealed with AES-256-GCM under XBOT_SESSION_KEY: the X session
 * (session.ts), the OAuth 2.0 tokens (lib/x/transport/oauth2.ts) and an account's egress.
 * Format `<version>.<iv>.<tag>.<ciphertext>` (base64url parts, a random 12-byte IV per blob);
 * a format may bind extra authenticated data (AAD), as its blobs were first written with.
 * A malformed blob is XbotError("validation"); a wrong key or a tampered blob is
 * XbotError("config_invalid"), details.reason "auth_failed". The plain text never reaches an error.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { XbotError } from "../errors.js";
import { parseSessionKey } from "./session-key.js";

/** One kind of sealed blob: its version prefix, its AAD, and what errors call it. */
export interface SealFormat {
  readonly version: string;
  readonly aad?: Buffer;
  readonly what: string;
}

/** An account's egress (proxy URL, remote browser endpoint). */
export const EGRESS_FORMAT: SealFormat = { version: "s1", aad: Buffer.from("xbot-sealed:s1"), what: "sealed value" };

/** Seals `plain` under the session key in `format`. */
export function seal(plain: string, key: string, format: SealFormat): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", parseSessionKey(key), iv);
  if (format.aad) cipher.setAAD(format.aad);
  const body = Buffer.concat([cipher.update(Buffer.from(plain, "utf8")), cipher.final()]);
  return [format.version, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/** Opens a blob {@link seal} made in `format` (see the module doc for the error codes). */
export function unseal(blob: string, key: string, format: SealFormat): string {
  const secret = parseSessionKey(key);
  const parts = blob.trim().split(".");
  const [version, ivText, tagText, bodyText] = parts;
  if (parts.length !== 4 || version !== format.version || ivText === undefined || tagText === undefined || bodyText === undefined) {
    throw new XbotError("validation", `${format.what} is not in ${format.version} format (${format.version}.<iv>.<tag>.<ciphertext>)`);
  }
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== 12 || tag.length !== 16) throw new XbotError("validation", `${format.what} has a bad IV or auth tag length`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", secret, iv, { authTagLength: 16 });
    if (format.aad) decipher.setAAD(format.aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(bodyText, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new XbotError("config_invalid", `${format.what} failed authentication: the session key is wrong, or the blob was modified`, {
      details: { reason: "auth_failed" },
    });
  }
}
