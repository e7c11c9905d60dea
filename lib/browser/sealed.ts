/**
 * Small secrets at rest (an account's egress: proxy URL, remote browser endpoint), sealed
 * with AES-256-GCM under XBOT_SESSION_KEY like the X session (lib/browser/session.ts).
 * Format `s1.<iv>.<tag>.<ciphertext>` (base64url parts; the version bound in as AAD).
 * A wrong key or a tampered blob is XbotError("config_invalid"), details.reason "auth_failed";
 * the plain text never reaches an error message.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { XbotError } from "../errors.js";
import { parseSessionKey } from "./session.js";

const VERSION = "s1";
const AAD = Buffer.from(`xbot-sealed:${VERSION}`);

/** Seals `plain` under the session key (a random 12-byte IV per blob). */
export function sealText(plain: string, key: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", parseSessionKey(key), iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(Buffer.from(plain, "utf8")), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/** Opens a blob {@link sealText} made (see the module doc for the error codes). */
export function openText(blob: string, key: string): string {
  const secret = parseSessionKey(key);
  const [version, ivText, tagText, bodyText, ...rest] = blob.trim().split(".");
  if (version !== VERSION || ivText === undefined || tagText === undefined || bodyText === undefined || rest.length > 0) {
    throw new XbotError("validation", `sealed value is not in ${VERSION} format (${VERSION}.<iv>.<tag>.<ciphertext>)`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", secret, Buffer.from(ivText, "base64url"), { authTagLength: 16 });
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(tagText, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(bodyText, "base64url")), decipher.final()]).toString("utf8");
  } catch (error) {
    throw new XbotError("config_invalid", "sealed value failed authentication: XBOT_SESSION_KEY is not the key it was sealed with, or it was altered", {
      cause: error,
      details: { reason: "auth_failed" },
    });
  }
}
