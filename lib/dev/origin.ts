/**
 * Cross-origin refusal for the local, loopback-only surfaces (`/__xbot/cli`, the sandbox's
 * `/__sandbox/*`): a web page open in the operator's browser can send requests to
 * 127.0.0.1, and the browser marks them with `Origin` (and `Sec-Fetch-Site`). A request
 * from a page of another origin is refused; tools that send no Origin (curl, the CLI) pass.
 */
import type { IncomingMessage } from "node:http";

/** The origins a loopback server on `port` is reached at from its own pages. */
export function loopbackOrigins(port: number, extra: readonly string[] = []): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`, ...extra.map((u) => new URL(u).origin)];
}

/** The decision on a request's origin: allowed, or the foreign origin that is refused. */
export type OriginCheck = { readonly ok: true } | { readonly ok: false; readonly origin: string };

/** Refuses an `Origin` outside `allowed` (`null` included) and a `Sec-Fetch-Site: cross-site` request. */
export function checkOrigin(req: IncomingMessage, allowed: readonly string[]): OriginCheck {
  const origin = req.headers.origin;
  if (origin !== undefined && !allowed.includes(origin)) return { ok: false, origin };
  if (req.headers["sec-fetch-site"] === "cross-site") return { ok: false, origin: origin ?? "(cross-site)" };
  return { ok: true };
}
