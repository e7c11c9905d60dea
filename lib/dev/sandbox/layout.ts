/** Page shell: the logged-in frame (side nav, primary column, templates, page script) and a bare frame. */
import { CLIENT_JS } from "./client.js";
import { composerTemplates } from "./composer.js";
import { esc } from "./format.js";
import { button, cls, span, wrap, type RenderCtx } from "./markup.js";

/** queryId the page script puts in the CreateTweet URL (any id is accepted by the server). */
export const CREATE_TWEET_QUERY_ID = "SoVnbfCycZ7fERGCwpZkYA";
/** A fake public bearer token sent by the page script (not checked). */
const SANDBOX_BEARER = "AAAAAAAAAAAAAAAAAAAAASANDBOXSANDBOXSANDBOXSANDBOX";

/** Options of the logged-in frame. */
export interface FrameOpts {
  title: string;
  /** Display name of the logged-in user. */
  name: string;
  /** Keep the post button disabled (fault `composer_disabled`). */
  composerDisabled?: boolean;
  /** Extra markup after the primary column (e.g. a dialog). */
  overlay?: string;
}

/** Bare HTML document (also used for logged-out and error walls). */
export function documentHtml(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html dir="ltr" lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${esc(title)}</title></head><body style="margin:0;font-family:sans-serif">` +
    `<div id="react-root">${body}</div></body></html>`
  );
}

function sideNav(ctx: RenderCtx, name: string): string {
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

function pageConfig(ctx: RenderCtx, composerDisabled: boolean): string {
  const cfg = {
    user: ctx.user,
    variant: ctx.variant,
    composerDisabled,
    queryId: CREATE_TWEET_QUERY_ID,
    bearer: SANDBOX_BEARER,
  };
  return JSON.stringify(cfg).replace(/</g, "\\u003c");
}

/** The logged-in frame around a page's primary column content. */
export function frame(ctx: RenderCtx, opts: FrameOpts, primary: string): string {
  const v = ctx.variant;
  const column = `<div data-testid="primaryColumn" class="${cls("pc", v)}">${wrap(primary, 2, "pcw", v)}</div>`;
  const main = `<main role="main" class="${cls("main", v)}">${wrap(column, 2, "mw", v)}</main>`;
  const body =
    `<div class="${cls("app", v)}" style="display:flex">${sideNav(ctx, opts.name)}${main}</div>` +
    (opts.overlay ?? "") +
    composerTemplates(ctx) +
    `<div id="layers" style="position:fixed;bottom:0;left:0;right:0;z-index:10"></div>` +
    `<script>window.__SB__ = ${pageConfig(ctx, opts.composerDisabled === true)};</script>` +
    `<script>${CLIENT_JS}</script>`;
  return documentHtml(opts.title, body);
}

/** A column heading like x.com's `[data-testid="primaryColumn"] h2`. */
export function heading(ctx: RenderCtx, text: string): string {
  return wrap(`<h2 dir="ltr" aria-level="2" role="heading" class="${cls("h2", ctx.variant)}">${span(esc(text))}</h2>`, 2, "hd", ctx.variant);
}
