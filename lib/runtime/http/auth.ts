/** Bearer authentication compared in constant time (hono's bearer-auth approach). */
import { createHash, timingSafeEqual } from "node:crypto";

/** True when `authorization` is `Bearer <secret>`. Both sides are hashed first, so length leaks nothing. */
export function bearerMatches(authorization: string | null, secret: string | undefined): boolean {
  if (!authorization || !secret) return false;
  const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)?.[1];
  if (!token) return false;
  const given = createHash("sha256").update(token).digest();
  const expected = createHash("sha256").update(secret).digest();
  return timingSafeEqual(given, expected);
}
