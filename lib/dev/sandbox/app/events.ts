/** Document-level listeners: composer input, action clicks, "Show more", Escape and the `n` shortcut. */
import { addRow, openDialog, openReply, refresh, submit } from "./compose.js";
import { q } from "./dom.js";

const ACTIONS =
  '[data-testid="tweetButton"],[data-testid="tweetButtonInline"],[data-testid="addButton"],' +
  '[data-testid="reply"],[data-testid="app-bar-close"],[data-testid="tweet-text-show-more-link"]';

function closest(target: EventTarget | null, selector: string): HTMLElement | null {
  return target instanceof Element ? (target.closest(selector) as HTMLElement | null) : null;
}

function onClick(e: MouseEvent): void {
  const t = closest(e.target, ACTIONS);
  if (!t) return;
  const id = t.getAttribute("data-testid");
  const root = closest(t, "[data-sb-composer]");
  if (id === "addButton" && root) addRow(root);
  else if (id === "reply") {
    const art = t.closest("article");
    if (art) openReply(art);
  } else if (id === "app-bar-close") t.closest("[data-sb-layer]")?.remove();
  else if (id === "tweet-text-show-more-link") {
    const href = q('a[href*="/status/"] time', t.closest("article") ?? document)?.parentElement?.getAttribute("href");
    if (href) location.assign(href);
  } else if (root && t.getAttribute("aria-disabled") !== "true") void submit(root);
}

function onKey(e: KeyboardEvent): void {
  if (e.key === "Escape") {
    const layer = q("[data-sb-layer]");
    if (layer && !q('[data-sb-composer="compose"]', layer)) layer.remove();
    return;
  }
  if (e.key !== "n" || e.ctrlKey || e.metaKey || e.altKey) return;
  if (closest(e.target, '[contenteditable="true"],input,textarea')) return;
  e.preventDefault();
  openDialog("compose");
}

/** Installs the listeners (once per page). */
export function installEvents(): void {
  document.addEventListener("input", (e) => {
    const r = closest(e.target, "[data-sb-composer]");
    if (r) refresh(r);
  });
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKey);
}
