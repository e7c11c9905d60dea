/**
 * Composer behaviour (as the old page script did): post buttons enable when every textbox has
 * text within the limit, the post button calls CreateTweet once per thread tweet (each replying
 * to the previous), then a toast with a "View" link; addButton rows, the reply dialog, the `n`
 * shortcut and Escape.
 */
import { MAX_NOTE_WEIGHT, MAX_TWEET_WEIGHT, weightedLength } from "../length.js";
import { composeDialog, composerRow, replyDialog } from "./composer-markup.js";
import { config } from "./config.js";
import { createTweet } from "./create.js";
import { q, qa } from "./dom.js";
import { rowMedia, uploading } from "./media.js";
import { toast } from "./toast.js";

const POST_BUTTONS = '[data-testid="tweetButton"],[data-testid="tweetButtonInline"]';

function boxes(root: ParentNode): HTMLElement[] {
  return qa('[role="textbox"]', root);
}

function textOf(el: HTMLElement): string {
  return (el.innerText || "").replace(/\u00a0/g, " ").trim();
}

function setDisabled(btn: HTMLElement | null, disabled: boolean): void {
  if (!btn) return;
  if (disabled) btn.setAttribute("aria-disabled", "true");
  else btn.removeAttribute("aria-disabled");
  if (btn instanceof HTMLButtonElement) btn.disabled = disabled;
}

/** Re-evaluates a composer's post button. */
export function refresh(root: HTMLElement): void {
  const c = config();
  const max = c.premium ? MAX_NOTE_WEIGHT : MAX_TWEET_WEIGHT;
  const texts = boxes(root).map(textOf);
  const ok = !c.composerDisabled && !root.dataset.sbBusy && !uploading(root) && texts.length > 0 && texts.every((t) => t.length > 0 && weightedLength(t) <= max);
  setDisabled(q(POST_BUTTONS, root), !ok);
}

function finish(root: HTMLElement, ids: string[]): void {
  toast(ids.length > 1 ? "Your posts were sent." : "Your post was sent.", `/${config().user}/status/${ids[0] ?? ""}`);
  if (root.dataset.sbComposer !== "inline") {
    const layer = root.closest("[data-sb-layer]");
    if (layer) return void layer.remove();
  }
  boxes(root).forEach((b) => {
    b.textContent = "";
  });
  for (const a of qa("[data-sb-attachment]", root)) a.remove();
  refresh(root);
}

/** Posts the composer's texts in order (a thread when there are several). */
export async function submit(root: HTMLElement): Promise<void> {
  const texts = boxes(root).map(textOf);
  const rows = qa("[data-sb-row]", root);
  root.dataset.sbBusy = "1";
  refresh(root);
  let prev = root.dataset.sbReplyTo ?? null;
  const ids: string[] = [];
  try {
    for (const [i, t] of texts.entries()) {
      const mediaIds = rows[i] ? await rowMedia(rows[i]) : [];
      prev = await createTweet(t, prev, { mediaIds, attachmentUrl: i === 0 ? (root.dataset.sbQuote ?? null) : null });
      ids.push(prev);
    }
  } catch (e) {
    delete root.dataset.sbBusy;
    toast(e instanceof Error ? e.message : String(e));
    refresh(root);
    return;
  }
  delete root.dataset.sbBusy;
  finish(root, ids);
}

/** Adds a thread row (`tweetTextarea_<n>`); the post button then reads "Post all". */
export function addRow(root: HTMLElement): void {
  const rows = q("[data-sb-rows]", root);
  if (!rows) return;
  const n = qa("[data-sb-row]", rows).length;
  rows.insertAdjacentHTML("beforeend", composerRow(n, "Add another post", config().variant));
  const label = q("span span", q(POST_BUTTONS, root) ?? root);
  if (label) label.textContent = "Post all";
  refresh(root);
  boxes(rows)[n]?.focus();
}

/** Opens the compose ("compose") or reply dialog unless a dialog is open; returns its composer. */
export function openDialog(kind: "compose" | "reply"): HTMLElement | null {
  if (q("[data-sb-layer]")) return null;
  const v = config().variant;
  document.body.insertAdjacentHTML("beforeend", kind === "compose" ? composeDialog(v) : replyDialog(v));
  const root = q("[data-sb-layer] [data-sb-composer]");
  if (!root) return null;
  refresh(root);
  boxes(root)[0]?.focus();
  return root;
}

/** Opens the reply dialog for the article's tweet (from its time link). */
export function openReply(article: Element): void {
  const href = q('a[href*="/status/"] time', article)?.parentElement?.getAttribute("href") ?? "";
  const m = /^\/([^/]+)\/status\/(\d+)/.exec(href);
  if (!m) return;
  const root = openDialog("reply");
  if (!root) return;
  root.dataset.sbReplyTo = m[2];
  const a = q("[data-sb-replying-link]", root);
  if (a) {
    a.textContent = `@${m[1] ?? ""}`;
    a.setAttribute("href", `/${m[1] ?? ""}`);
  }
}
