/** Composer markup: the inline one (home, status reply), the compose dialog (threads) and the reply dialog. */
import { esc } from "../format.js";
import { button, cls, span, textbox, wrap, type RenderCtx } from "../markup.js";
import type { Variant } from "../types.js";

/** Which kind of composer a root element is (`data-sb-composer`, read by the composer behaviour). */
export type ComposerKind = "inline" | "compose" | "reply";

function root(kind: ComposerKind, inner: string, v: Variant, replyTo?: string): string {
  const reply = replyTo ? ` data-sb-reply-to="${esc(replyTo)}"` : "";
  return `<div data-sb-composer="${kind}"${reply} class="${cls(`c${kind}`, v)}">${inner}</div>`;
}

/** The post button: starts disabled; its visible text is its only label (as on x.com). */
function postButton(v: Variant, testid: string, label: string): string {
  return button(v, { testid, disabled: true }, wrap(span(span(label)), 1, "pbi", v));
}

/** One textbox row of a (thread) composer, with its attachments box. */
export function composerRow(index: number | string, placeholder: string, v: Variant): string {
  const avatar = `<div data-testid="UserAvatar-Container-${index}" class="${cls("cav", v)}"></div>`;
  const attachments = `<div data-testid="attachments" class="${cls("att", v)}"></div>`;
  return `<div data-sb-row="${index}" class="${cls("row", v)}">${wrap(avatar, 1, "rav", v)}${textbox(index, placeholder, v)}${attachments}</div>`;
}

/**
 * The toolbar's media button: x.com's hidden `input[data-testid="fileInput"]` (accepting its
 * photo and video types) behind the "Add photos or video" button.
 */
function mediaButton(v: Variant): string {
  const accept = "image/jpeg,image/png,image/webp,image/gif,video/mp4,video/quicktime";
  const input = `<input data-testid="fileInput" type="file" accept="${accept}" multiple tabindex="-1" style="display:none">`;
  return wrap(`${button(v, { testid: "mediaButton", label: "Add photos or video" }, span("🖼"))}${input}`, 1, "mb", v);
}

/** A quoted post inside the compose dialog (filled in by the page script). */
function quoteSlot(v: Variant): string {
  return `<div data-sb-quote-slot="1" class="${cls("qs", v)}"></div>`;
}

/** Inline composer (home: "What is happening?!", status page: "Post your reply"). */
export function inlineComposer(ctx: RenderCtx, replyTo?: string): string {
  const v = ctx.variant;
  const testid = v === "b" ? "tweetButton" : "tweetButtonInline";
  const placeholder = replyTo ? "Post your reply" : "What is happening?!";
  const toolbar = `<div data-testid="toolBar" class="${cls("tbar", v)}">${mediaButton(v)}${wrap(postButton(v, testid, replyTo ? "Reply" : "Post"), 2, "pbw", v)}</div>`;
  const inner = wrap(`${composerRow(0, placeholder, v)}${toolbar}`, 2, "ci", v);
  return wrap(root("inline", inner, v, replyTo), 1, "ciw", v);
}

function dialog(v: Variant, title: string, inner: string): string {
  const close = button(v, { testid: "app-bar-close", label: "Close" }, span("✕"));
  const header = `<div class="${cls("mh", v)}">${close}<h2 id="modal-header" style="display:none">${esc(title)}</h2></div>`;
  const sheet = `<div aria-labelledby="modal-header" aria-modal="true" role="dialog" class="${cls("dlg", v)}">${wrap(header + inner, 3, "dl", v)}</div>`;
  return `<div data-sb-layer="1" class="${cls("mask", v)}" style="position:fixed;inset:0;background:rgba(0,0,0,.4);z-index:5">${sheet}</div>`;
}

/** The compose dialog of /compose/tweet (or the `n` shortcut): rows, addButton and tweetButton. */
export function composeDialog(v: Variant): string {
  const rows = `<div data-sb-rows="1" class="${cls("rows", v)}">${composerRow(0, "What is happening?!", v)}</div>`;
  const add = button(v, { testid: "addButton", label: "Add post" }, span("+"));
  const toolbar = `<div data-testid="toolBar" class="${cls("tbar", v)}">${mediaButton(v)}${wrap(add, 1, "ad", v)}${wrap(postButton(v, "tweetButton", "Post"), 1, "pb", v)}</div>`;
  return dialog(v, "Compose post", root("compose", `${rows}${quoteSlot(v)}${toolbar}`, v));
}

/** The reply dialog opened by `[data-testid="reply"]` (the page script fills in the target). */
export function replyDialog(v: Variant): string {
  const to = `<div data-sb-replying="1" class="${cls("rt", v)}">${span("Replying to ")}<a href="#" role="link" data-sb-replying-link="1"></a></div>`;
  const toolbar = `<div data-testid="toolBar" class="${cls("tbar", v)}">${mediaButton(v)}${wrap(postButton(v, "tweetButton", "Reply"), 1, "rb", v)}</div>`;
  const inner = wrap(`${to}${composerRow(0, "Post your reply", v)}${toolbar}`, 2, "rd", v);
  return dialog(v, "Reply", root("reply", inner, v));
}
