/**
 * Proxy settings for the browser's egress. Parsed from one URL such as
 * `http://user:pass@host:port`; the password never appears in logs (see {@link describeProxy}).
 */
import { XbotError } from "../errors.js";

/** Playwright-shaped proxy settings. */
export interface ProxySettings {
  /** `scheme://host:port`, without credentials. */
  readonly server: string;
  /** Proxy user, when the URL had one. */
  readonly username?: string;
  /** Proxy password, when the URL had one. Never log it. */
  readonly password?: string;
}

const SCHEMES = new Set(["http:", "https:", "socks5:", "socks4:"]);

/**
 * Parses `scheme://[user[:pass]@]host[:port]` into {@link ProxySettings}.
 * Throws XbotError("config_invalid") with a message that never contains the password.
 */
export function parseProxyUrl(url: string): ProxySettings {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new XbotError("config_invalid", "proxy URL is not a valid URL (expected scheme://[user:pass@]host:port)");
  }
  if (!SCHEMES.has(parsed.protocol)) {
    throw new XbotError("config_invalid", `proxy URL scheme ${parsed.protocol} is not supported (http, https, socks4, socks5)`);
  }
  if (!parsed.hostname) throw new XbotError("config_invalid", "proxy URL has no host");
  const server = `${parsed.protocol}//${parsed.host}`;
  const username = parsed.username ? decodeURIComponent(parsed.username) : undefined;
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  return {
    server,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

/** A log-safe description: server and user, never the password. */
export function describeProxy(proxy: ProxySettings | undefined): string | undefined {
  if (!proxy) return undefined;
  return proxy.username ? `${proxy.server} (user ${proxy.username})` : proxy.server;
}
