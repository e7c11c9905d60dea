/**
 * The logged-in app shell: landmarks only (side nav with the account switcher, an empty
 * `primaryColumn`, `#layers`), a small config and the page script, which fetches its data
 * from GraphQL and renders the page (as x.com's single-page app does).
 */
import type { AppConfig } from "./app/config.js";
import { esc } from "./format.js";
import { documentHtml, sideNav } from "./layout.js";
import { cls, wrap, type RenderCtx } from "./markup.js";

/** Inputs of the shell. */
export interface ShellOpts {
  config: AppConfig;
  /** Path of the bundled page script. */
  scriptPath: string;
}

function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** The shell HTML for any logged-in page (the page script picks the view from the URL). */
export function appShell(opts: ShellOpts): string {
  const c = opts.config;
  const ctx: RenderCtx = { variant: c.variant, user: c.user, nowMs: c.nowMs };
  const v = c.variant;
  const column = `<div data-testid="primaryColumn" class="${cls("pc", v)}">${wrap(`<div data-sb-view="1"></div>`, 2, "pcw", v)}</div>`;
  const main = `<main role="main" class="${cls("main", v)}">${wrap(column, 2, "mw", v)}</main>`;
  const body =
    `<div class="${cls("app", v)}" style="display:flex">${sideNav(ctx, c.name)}${main}</div>` +
    `<div id="layers" style="position:fixed;bottom:0;left:0;right:0;z-index:10"></div>` +
    `<script>window.__SB__ = ${inlineJson(c)};</script>` +
    `<script src="${esc(opts.scriptPath)}"></script>`;
  return documentHtml("X", body);
}
