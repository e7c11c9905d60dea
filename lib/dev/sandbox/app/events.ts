/** Document-level listeners: composer input, action clicks, "Show more", Escape and the `n` shortcut. */
import { addRow, openDialog, openReply, refresh, submit } from "./compose.js";
import { q } from "./dom.js";
import { addFiles, openEditor } from "./media.js";
import { openRepostMenu, quoteFromMenu } from "./quote.js";

const ACTIONS =
  '[data-testid="tweetButton"],[data-testid="tweetButtonInline"],[data-testid="addButton"],' + '[data-testid="reply"],[data-testid="app-bar-close"],[data-testid="tweet-text-show-more-link"]';
const MEDIA_ACTIONS = '[data-testid="mediaButton"],[data-testid="editMedia"],[data-testid="removeMedia"],[data-testid="retweet"],[data-testid="retweetConfirm"],[data-sb-quote-item]';

/** Clicks of the media buttons and the repost menu; true when handled. */
function onMediaClick(e: MouseEvent): boolean {
  const t = closest(e.target, MEDIA_ACTIONS);
  if (!t) return false;
  const id = t.getAttribute("data-testid");
  const attachment = closest(t, "[data-sb-attachment]");
  const root = closest(t, "[data-sb-composer]");
  if (id === "mediaButton") q<HTMLInputElement>('[data-testid="fileInput"]', root ?? document)?.click();
  else if (id === "editMedia" && attachment) openEditor(attachment);
  else if (id === "removeMedia" && attachment) {
    attachment.remove();
    if (root) refresh(root);
  } else if (id === "retweet") openRepostMenu(t);
  else if (id === "retweetConfirm") t.closest("[data-sb-menu]")?.remove();
  else {
    e.preventDefault();
    const menu = closest(t, "[data-sb-menu]");
    if (menu) quoteFromMenu(menu);
  }
  return true;
}

function closest(target: EventTarget | null, selector: string): HTMLElement | null {
  return target instanceof Element ? (target.closest(selector) as HTMLElement | null) : null;
}

function onClick(e: MouseEvent): void {
  if (onMediaClick(e)) return;
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
  document.addEventListener("focusin", (e) => {
    const row = closest(e.target, "[data-sb-row]");
    const r = closest(row, "[data-sb-composer]");
    if (row && r) r.dataset.sbActiveRow = String([...r.querySelectorAll("[data-sb-row]")].indexOf(row));
  });
  document.addEventListener("change", (e) => {
    const input = e.target instanceof HTMLInputElement && e.target.dataset.testid === "fileInput" ? e.target : null;
    const r = closest(input, "[data-sb-composer]");
    if (!input || !r) return;
    void addFiles(r, [...(input.files ?? [])], () => refresh(r));
    input.value = "";
  });
  document.addEventListener("keydown", onKey);
}
