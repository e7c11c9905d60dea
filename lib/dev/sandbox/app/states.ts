/** Error and empty states the page shows instead of content. */
import { esc } from "../format.js";
import { button, cls, span, wrap, type RenderCtx } from "../markup.js";
import { RESTRICTED_BUTTON, RESTRICTED_HEADING, RESTRICTED_TEXT, SUSPENDED_HEADING, SUSPENDED_TEXT, TIMELINE_ERROR_TEXT } from "../texts.js";
import { fromHtml, q } from "./dom.js";

/** A state block with an optional button calling `onClick` (the element is returned). */
function withButton(html: string, onClick?: () => void): HTMLElement {
  const el = fromHtml(html);
  const btn = q("[data-sb-action]", el);
  if (btn && onClick) btn.addEventListener("click", onClick, { once: true });
  return el;
}

/**
 * x.com's throttled timeline: "Something went wrong. Try reloading." and a Retry button.
 * Quirk: REFERENCE.md "Real x.com markup".
 */
function retryState(ctx: RenderCtx, onRetry: () => void): HTMLElement {
  const v = ctx.variant;
  const retry = button(v, { extra: ` data-sb-action="retry"` }, wrap(span(span("Retry")), 1, "rty", v));
  const inner = `${wrap(span(esc(TIMELINE_ERROR_TEXT)), 1, "err1", v)}${wrap(retry, 2, "err2", v)}`;
  const el = withButton(`<div class="${cls("errst", v)}">${wrap(inner, 2, "errw", v)}</div>`, () => {
    el.remove();
    onRetry();
  });
  return el;
}

/** Shows the throttled state at the end of `host`; Retry removes it and calls `again`. */
export function showRetry(ctx: RenderCtx, host: HTMLElement, again: () => void): void {
  host.appendChild(retryState(ctx, again));
}

/** x.com's `[data-testid="emptyState"]`: a heading, a text and maybe a button. */
export function emptyState(ctx: RenderCtx, heading: string, text: string, action?: { label: string; onClick: () => void }): HTMLElement {
  const v = ctx.variant;
  const h = `<h2 dir="ltr" aria-level="2" role="heading" class="${cls("esh", v)}">${span(esc(heading))}</h2>`;
  const btn = action ? wrap(button(v, { extra: ` data-sb-action="empty"` }, span(span(esc(action.label)))), 1, "esb", v) : "";
  const inner = `${wrap(h, 1, "es1", v)}${wrap(span(esc(text)), 1, "es2", v)}${btn}`;
  return withButton(`<div data-testid="emptyState" class="${cls("es", v)}">${wrap(inner, 2, "esw", v)}</div>`, action?.onClick);
}

/** A suspended account's profile body. Quirk: REFERENCE.md ("Account suspended"). */
export function suspendedState(ctx: RenderCtx): HTMLElement {
  return emptyState(ctx, SUSPENDED_HEADING, SUSPENDED_TEXT);
}

/** The caution interstitial of a temporarily restricted account; `onView` reveals the posts. */
export function restrictedState(ctx: RenderCtx, onView: () => void): HTMLElement {
  return emptyState(ctx, RESTRICTED_HEADING, RESTRICTED_TEXT, { label: RESTRICTED_BUTTON, onClick: onView });
}

/** x.com's `[data-testid="error-detail"]` page body ("doesn't exist"). */
export function errorDetail(ctx: RenderCtx, text: string, detail = ""): string {
  const v = ctx.variant;
  const search = `<a href="/explore" role="link" data-testid="error-detail-search">${span("Search")}</a>`;
  const inner = `${span(esc(text))}${detail ? wrap(span(esc(detail)), 1, "edd", v) : ""}${wrap(search, 1, "eds", v)}`;
  return wrap(`<div data-testid="error-detail" class="${cls("ed", v)}">${inner}</div>`, 3, "edw", v);
}

/** A column heading like x.com's `[data-testid="primaryColumn"] h2`. */
export function heading(ctx: RenderCtx, text: string): string {
  return wrap(`<h2 dir="ltr" aria-level="2" role="heading" class="${cls("h2", ctx.variant)}">${span(esc(text))}</h2>`, 2, "hd", ctx.variant);
}
