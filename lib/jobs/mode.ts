/**
 * Mode resolution. The effective mode is the safest of the configured mode and the one a
 * request asked for (shadow < dry < live), and a preview deployment never acts on the real
 * X: there it is forced to shadow unless XBOT_ALLOW_PREVIEW_LIVE=true.
 */
import type { Config } from "../config.js";
import type { Mode } from "./job.js";

const RANK: Record<Mode, number> = { shadow: 0, dry: 1, live: 2 };

/** The X site jobs act on: XBOT_X_BASE_URL, else the real x.com (never assume a sandbox). */
export function xBaseUrlOf(config: Config): string {
  return config.XBOT_X_BASE_URL ?? "https://x.com";
}

/** True when a base URL points at the real X. */
export function isRealX(baseUrl: string | undefined): boolean {
  if (!baseUrl) return false;
  const host = new URL(baseUrl).hostname.toLowerCase().replace(/\.$/, "");
  return host === "x.com" || host === "twitter.com" || host.endsWith(".x.com") || host.endsWith(".twitter.com");
}

/** The effective mode, and why it differs from the request when it does. */
export function resolveMode(config: Config, requested: Mode | undefined, xBaseUrl: string | undefined): { mode: Mode; forced?: string } {
  const wanted = requested ?? config.XBOT_MODE;
  if (config.isPreview && !config.XBOT_ALLOW_PREVIEW_LIVE && isRealX(xBaseUrl) && wanted !== "shadow") {
    return { mode: "shadow", forced: "preview deployment: shadow mode (set XBOT_ALLOW_PREVIEW_LIVE=true to act on X)" };
  }
  if (RANK[wanted] > RANK[config.XBOT_MODE]) return { mode: config.XBOT_MODE, forced: `XBOT_MODE=${config.XBOT_MODE} caps the mode` };
  return { mode: wanted };
}

/**
 * The mode jobs will actually run in when nothing asks for less, as the banner, /api/status
 * and the dashboard show it: "shadow (preview)" on a preview deployment kept off the real X,
 * else the configured mode.
 */
export function effectiveModeLabel(config: Config, xBaseUrl: string | undefined = xBaseUrlOf(config)): string {
  const { mode, forced } = resolveMode(config, undefined, xBaseUrl);
  return forced?.startsWith("preview deployment") ? `${mode} (preview)` : mode;
}
