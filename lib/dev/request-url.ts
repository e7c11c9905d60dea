/**
 * The URL the local server hands its Web handlers, and so the URL a QStash token's `sub` is
 * checked against. Forwarded headers are trusted only when configured (XBOT_TRUST_PROXY).
 */
import type { IncomingMessage } from "node:http";

/** Where the local server's request URLs come from (the URL a QStash token's `sub` is checked against). */
export interface UrlPolicy {
  /** XBOT_TRUST_PROXY: take X-Forwarded-Host/-Proto (then Host) from the client. */
  readonly trustProxy: boolean;
  /** XBOT_PUBLIC_URL: the origin the server is reached at, when set. */
  readonly publicUrl?: string;
}

/**
 * The URL of a request. X-Forwarded-Host/-Proto and Host are whatever the client sends, so
 * they are used only with `trustProxy` (a tunnel or proxy that sets them). Otherwise the
 * configured public URL, or the socket's own address: a token issued for another host can
 * never be made to match by sending that host.
 */
export function requestUrl(req: IncomingMessage, policy: UrlPolicy): string {
  const path = pathOf(req);
  if (policy.trustProxy) {
    const host = first(req.headers["x-forwarded-host"]) ?? req.headers.host ?? socketHost(req);
    const proto = first(req.headers["x-forwarded-proto"]) === "https" ? "https" : "http";
    return `${proto}://${host}${path}`;
  }
  if (policy.publicUrl) return new URL(policy.publicUrl).origin + path; // concatenated: a "//host" path must not become the host
  return `http://${socketHost(req)}${path}`;
}

function socketHost(req: IncomingMessage): string {
  const address = (req.socket.localAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
  return `${address.includes(":") ? `[${address}]` : address}:${req.socket.localPort ?? 80}`;
}

/** The path and query of a request target; an absolute-form target (`GET http://host/x`) keeps only its path. */
function pathOf(req: IncomingMessage): string {
  const target = req.url ?? "/";
  if (target.startsWith("/")) return target;
  try {
    const url = new URL(target);
    return url.pathname + url.search;
  } catch {
    return "/";
  }
}

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v ? v.split(",")[0]!.trim() : undefined;
}
