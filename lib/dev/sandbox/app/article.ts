/** `article[data-testid="tweet"]` as x.com renders it, and the tombstone of a deleted post. */
import { esc, longTime, relativeTime } from "../format.js";
import { cls, span, wrap, type RenderCtx } from "../markup.js";
import { actionBar } from "./actions.js";
import type { TweetView } from "./model.js";
import { tweetTextBlock } from "./text.js";

/** How an article is shown. */
export interface ArticleOpts {
  /** The status page's main post: full text of a long post, long timestamp, bookmark count. */
  focal?: boolean;
  /** Shown with the "Pinned" social context. */
  pinned?: boolean;
}

function userName(ctx: RenderCtx, t: TweetView, focal: boolean): string {
  const h = esc(t.author);
  const when = focal ? longTime(t.createdAtMs) : relativeTime(t.createdAtMs, ctx.nowMs);
  const iso = new Date(t.createdAtMs).toISOString();
  const time = `<a href="/${h}/status/${t.id}" dir="ltr" aria-label="${esc(when)}" role="link" class="${cls("tl")}"><time datetime="${iso}">${esc(when)}</time></a>`;
  const nameLink = `<a href="/${h}" role="link" class="${cls("nl")}">${wrap(span(esc(t.name)), 1, "nm", ctx.variant)}</a>`;
  const handle = `<a href="/${h}" role="link" tabindex="-1" class="${cls("hl")}">${span(`@${h}`)}</a>`;
  const dot = `<div aria-hidden="true">${span("·")}</div>`;
  return `<div data-testid="User-Name" class="${cls("un", ctx.variant)}">${wrap(nameLink, 2, "un1", ctx.variant)}${wrap(`${handle}${dot}${time}`, 2, "un2", ctx.variant)}</div>`;
}

/**
 * The photo carousel: another `div[role="group"]`, before the action bar.
 * Quirk: REFERENCE.md "Real x.com markup".
 */
function carousel(ctx: RenderCtx, t: TweetView): string {
  if (t.photos === 0) return "";
  const photos = Array.from({ length: t.photos }, (_, i) => {
    const alt = esc(t.alts[i] || "Image");
    const img = `<img alt="${alt}" draggable="true" src="/media/${t.id}_${i + 1}.jpg" class="${cls("img", ctx.variant)}" style="width:100%">`;
    const photo = `<div aria-label="Image" data-testid="tweetPhoto" class="${cls("ph", ctx.variant)}">${img}</div>`;
    return `<a href="/${esc(t.author)}/status/${t.id}/photo/${i + 1}" role="link">${wrap(photo, 1, "pha", ctx.variant)}</a>`;
  });
  const label = t.photos === 1 ? "Image" : `${t.photos} images`;
  return wrap(`<div aria-label="${label}" role="group" class="${cls("car", ctx.variant)}">${photos.join("")}</div>`, 2, "carw", ctx.variant);
}

/**
 * A quoted post inside the article: a `div[role="link"]` card with its own User-Name and
 * tweetText after the quoting text, as x.com nests it (readers take the article's first
 * tweetText, which is the quoting post's own).
 */
function quoteCard(ctx: RenderCtx, t: TweetView): string {
  const q = t.quoted;
  if (!q) return "";
  const who = `<div data-testid="User-Name">${span(esc(q.name))}${span(`@${esc(q.author)}`)}</div>`;
  const body = `${who}${wrap(tweetTextBlock(q.text, q.urls, false), 1, "qtxt", ctx.variant)}`;
  return wrap(`<div role="link" tabindex="0" data-sb-quote-of="${q.id}" class="${cls("quote", ctx.variant)}">${body}</div>`, 1, "qw", ctx.variant);
}

function socialContext(ctx: RenderCtx): string {
  return wrap(`<div data-testid="socialContext" class="${cls("sc", ctx.variant)}">${span("Pinned")}</div>`, 1, "scw", ctx.variant);
}

/** One tweet as `article[data-testid="tweet"]`. */
export function tweetArticle(ctx: RenderCtx, t: TweetView, opts: ArticleOpts = {}): string {
  const v = ctx.variant;
  const focal = opts.focal === true;
  const long = t.noteText !== null;
  const body = [
    opts.pinned ? socialContext(ctx) : "",
    wrap(userName(ctx, t, focal), 2, "hdr", v),
    wrap(tweetTextBlock(focal && long ? (t.noteText ?? "") : t.text, t.urls, long && !focal), 1, "txt", v),
    carousel(ctx, t),
    quoteCard(ctx, t),
    wrap(actionBar(ctx, t, focal), 2, "bar", v),
  ].join("");
  const avatar = `<div data-testid="Tweet-User-Avatar" class="${cls("av", v)}"><a href="/${esc(t.author)}" role="link" aria-hidden="true" tabindex="-1"></a></div>`;
  const inner = `${wrap(avatar, 1, "avw", v)}${wrap(body, 1, "bdy", v)}`;
  return `<article aria-labelledby="id__${t.id}" role="article" tabindex="${focal ? "-1" : "0"}" data-testid="tweet" class="${cls("article", v)}">${wrap(inner, 3, "art", v)}</article>`;
}

/** x.com's placeholder for a deleted post in a conversation (its text comes from the TweetTombstone). */
export function tombstone(ctx: RenderCtx, text: string): string {
  const learn = text.endsWith("Learn more") ? text.slice(0, -"Learn more".length) : `${text} `;
  const html = `${esc(learn)}<a href="https://help.x.com/rules-and-policies/notices-on-x" role="link">${span("Learn more")}</a>`;
  return wrap(`<div data-testid="tombstone" class="${cls("ts", ctx.variant)}">${span(html)}</div>`, 2, "tsw", ctx.variant);
}

/** A `cellInnerDiv` row around content. */
export function cell(ctx: RenderCtx, html: string): string {
  return `<div data-testid="cellInnerDiv" class="${cls("cell", ctx.variant)}">${wrap(html, 2, "cl", ctx.variant)}</div>`;
}
