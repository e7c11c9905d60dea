/**
 * What a job needs to act on X: the site (base URL, our handle, typing style) and the
 * run's logged-in browser. The handle comes from XBOT_X_USER or the stored session.
 * No site or no handle is `session_missing`, which the x breaker and health report.
 */
import { XbotError } from "../errors.js";
import type { BrowserSession } from "../browser/index.js";
import type { JobContext } from "../runtime/context.js";
import { isRealX, xBaseUrlOf } from "../runtime/mode.js";
import type { XSite } from "../x/index.js";
import { assertVisitBudget, countedBrowser } from "./visits.js";

/** The X site of this deployment and the run's browser. */
export interface XAccess {
  readonly site: XSite;
  readonly browser: BrowserSession;
}

/** Our handle: XBOT_X_USER, else the username of the stored session. */
export async function ourHandle(ctx: JobContext): Promise<string> {
  if (ctx.config.XBOT_X_USER) return ctx.config.XBOT_X_USER;
  const rows = await ctx.db.query<{ username: string | null }>("SELECT username FROM x_sessions WHERE account_id = $1", [ctx.config.XBOT_ACCOUNT_ID]);
  const user = rows[0]?.username;
  if (!user) throw new XbotError("session_missing", "no X session: import one (xbot session import <file>) or set XBOT_X_USER");
  return user;
}

/** The site description for this deployment. */
export async function xSite(ctx: JobContext): Promise<XSite> {
  const baseUrl = xBaseUrlOf(ctx.config);
  const typing = ctx.config.XBOT_TYPING ?? (isRealX(baseUrl) ? "human" : "fill");
  return { baseUrl, user: await ourHandle(ctx), typing, logger: ctx.log };
}

/**
 * The site and the run's browser (launched on first use), its page loads counted against
 * the daily visit budget (visits.ts). At the cap nothing is launched: `budget_exhausted`.
 */
export async function xAccess(ctx: JobContext): Promise<XAccess> {
  const site = await xSite(ctx);
  await assertVisitBudget(ctx);
  return { site, browser: countedBrowser(ctx, await ctx.browser()) };
}
