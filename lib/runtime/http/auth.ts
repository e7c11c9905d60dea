/** Bearer authentication compared in constant time (hono's bearer-auth approach). */
import { createHash, timingSafeEqual } from "node:crypto";
import { clientError } from "./respond.js";

/** True when `authorization` is `Bearer <secret>`. Both sides are hashed first, so length leaks nothing. */
export function bearerMatches(authorization: string | null, secret: string | undefined): boolean {
  if (!authorization || !secret) return false;
  const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)?.[1];
  if (!token) return false;
  const given = createHash("sha256").update(token).digest();
  const expected = createHash("sha256").update(secret).digest();
  return timingSafeEqual(given, expected);
}

/** The 401 an admin route answers when `request` lacks `Authorization: Bearer <XBOT_ADMIN_TOKEN>`; undefined when it carries it. */
export function adminRefusal(request: Request, adminToken: string | undefined): Response | undefined {
  if (bearerMatches(request.headers.get("authorization"), adminToken)) return undefined;
  return clientError(401, "unauthorized", "missing or wrong Authorization: Bearer <XBOT_ADMIN_TOKEN>");
}
