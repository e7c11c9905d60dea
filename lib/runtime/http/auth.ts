/** Bearer authentication compared in constant time (hono's bearer-auth approach). */
import { createHash, timingSafeEqual } from "node:crypto";

/** True when `authorization` is `Bearer <secret>`. Both sides are hashed first, so length leaks nothing. */
export function bearerMatches(authorization: string | null, secret: string | undefined): boolean {
  if (!authorization || !secret) return false;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  if (!match) return false;
  const given = createHash("sha256").update(match[1]!).digest();
  const expected = createHash("sha256").update(secret).digest();
  return timingSafeEqual(given, expected);
}
