/** Document frame and the side nav (x.com's landmarks), used by the walls and the app shell. */
import { esc } from "./format.js";
import { button, cls, span, wrap, type RenderCtx } from "./markup.js";

/**
 * A CreateTweet query id. Kept for compatibility: the page script now uses per-sandbox random
 * ids (Sandbox.queryIds); the server accepts any id.
 */
export const CREATE_TWEET_QUERY_ID = "SoVnbfCycZ7fERGCwpZkYA";
/** A fake public bearer token sent by the page script (not checked). */
export const SANDBOX_BEARER = "AAAAAAAAAAAAAAAAAAAAASANDBOXSANDBOXSANDBOXSANDBOX";

/** Bare HTML document (also used for logged-out and error walls). */
export function documentHtml(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html dir="ltr" lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${esc(title)}</title></head><body style="margin:0;font-family:sans-serif">` +
    `<div id="react-root">${body}</div></body></html>`
  );
}

/** The banner with the primary nav and `SideNav_AccountSwitcher_Button` (the logged-in landmark). */
export function sideNav(ctx: RenderCtx, name: string): string {
  const v = ctx.variant;
  const u = esc(ctx.user);
  const home = `<a href="/home" aria-label="Home" role="link" data-testid="AppTabBar_Home_Link" class="${cls("nh", v)}">${span("Home")}</a>`;
  const notif = `<a href="/notifications" aria-label="Notifications" role="link" data-testid="AppTabBar_Notifications_Link">${span("Notifications")}</a>`;
  const profile = `<a href="/${u}" aria-label="Profile" role="link" data-testid="AppTabBar_Profile_Link">${span("Profile")}</a>`;
  const post = `<a href="/compose/post" aria-label="Post" role="link" data-testid="SideNav_NewTweet_Button">${span("Post")}</a>`;
  const who = wrap(`${span(esc(name))}${wrap(span(`@${u}`), 1, "sw", v)}`, 2, "swi", v);
  const account = button(v, { testid: "SideNav_AccountSwitcher_Button", label: "Account menu" }, who);
  const links = [home, notif, profile, post].map((l, i) => wrap(l, 1, `nl${i}`, v)).join("");
  return `<header role="banner" class="${cls("banner", v)}"><nav aria-label="Primary" role="navigation">${links}</nav>${wrap(account, 2, "acw", v)}</header>`;
}
