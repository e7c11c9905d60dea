/**
 * What a job needs to act on X: the site (base URL, our handle, typing style) and the
 * run's logged-in browser. The handle comes from XBOT_X_USER or the stored session.
 * No site or no handle is `session_missing`, which the x breaker and health report.
 */
import { XbotError } from "../errors.js";
import { sessionUsername } from "../db/x-sessions.js";
import type { BrowserSession } from "../browser/index.js";
import type { JobContext } from "./context.js";
import { isRealX, xBaseUrlOf } from "./mode.js";
import type { XAccess } from "../x/access.js";
import type { XSite } from "../x/index.js";
import { xApiMeter } from "./x-budget.js";
import { identityCache, keysFingerprint } from "./x-identity.js";
import { browserTransport } from "../x/transport/browser.js";
import type { XTransport } from "../x/transport/port.js";
import { assertVisitBudget, countedBrowser } from "./visits.js";
import { lazyUntilRejected } from "../promise-cache.js";

/** The X site of this deployment, the transport that posts and reconciles, and the run's browser (launched on first use). */
export type { XAccess };

/** Our handle: XBOT_X_USER, else the username of the stored session. */
export async function ourHandle(ctx: JobContext): Promise<string> {
  if (ctx.config.XBOT_X_USER) return ctx.config.XBOT_X_USER;
  const user = await sessionUsername(ctx.db, ctx.config.XBOT_ACCOUNT_ID);
  if (!user) throw new XbotError("session_missing", "no X session: import one (xbot session import <file>) or set XBOT_X_USER");
  return user;
}

/** The site description for this deployment. */
export async function xSite(ctx: JobContext): Promise<XSite> {
  const baseUrl = xBaseUrlOf(ctx.config);
  const typing = ctx.config.XBOT_TYPING ?? (isRealX(baseUrl) ? "human" : "fill");
  return { baseUrl, user: await ourHandle(ctx), typing, logger: ctx.log };
}

/** The origin of the X API: XBOT_X_API_BASE_URL, else the sandbox when the site is one, else api.x.com. */
export function xApiBaseUrl(ctx: JobContext): string {
  if (ctx.config.XBOT_X_API_BASE_URL) return ctx.config.XBOT_X_API_BASE_URL;
  const site = xBaseUrlOf(ctx.config);
  return isRealX(site) ? "https://api.x.com" : site;
}

/**
 * The API transport (lib/x/transport/api.ts with twitter-api-v2, ~170 kB), imported only when
 * a run selects it: with the default XBOT_X_TRANSPORT=browser a function never loads or
 * compiles it. A separate chunk in the deployed bundle (scripts/bundle-functions.ts).
 */
const loadApiTransport = lazyUntilRejected(() => import("../x/transport/api.js"));

/** The transport posting goes through: the API for `api` and `hybrid` (hybrid reads metrics, followers and mentions through the browser). */
async function transportOf(ctx: JobContext, site: XSite, browser: () => Promise<BrowserSession>): Promise<XTransport> {
  const c = ctx.config;
  if (c.XBOT_X_TRANSPORT === "browser" || !c.X_API_KEY || !c.X_API_SECRET || !c.X_ACCESS_TOKEN || !c.X_ACCESS_SECRET) return browserTransport(site, browser);
  const { apiTransport } = await loadApiTransport();
  const keys = { appKey: c.X_API_KEY, appSecret: c.X_API_SECRET, accessToken: c.X_ACCESS_TOKEN, accessSecret: c.X_ACCESS_SECRET };
  const identity = identityCache(ctx, keysFingerprint(keys.appKey, keys.accessToken));
  return apiTransport({ baseUrl: xApiBaseUrl(ctx), ...keys, meter: xApiMeter(ctx), identity, ...(c.XBOT_X_API_TIMEOUT_MS ? { timeoutMs: c.XBOT_X_API_TIMEOUT_MS } : {}) });
}

/**
 * The site, the transport, and the run's browser (launched on first use), its page loads
 * counted against the daily visit budget (visits.ts). When posting goes through the browser
 * and the budget is spent, nothing is launched: `budget_exhausted`.
 */
export async function xAccess(ctx: JobContext): Promise<XAccess> {
  const site = await xSite(ctx);
  let counted: Promise<BrowserSession> | null = null;
  const browser = () => (counted ??= ctx.browser().then((b) => countedBrowser(ctx, b)));
  const x = await transportOf(ctx, site, browser);
  const reads = x.kind === "api" && ctx.config.XBOT_X_TRANSPORT === "api" ? x : browserTransport(site, browser);
  if (x.kind === "browser") await assertVisitBudget(ctx);
  return { site, x, reads, browser };
}
