/**
 * The action bar: a `div[role="group"]` whose aria-label sums up the non-zero counts without
 * separators ("427 replies, 728 reposts, 4412 likes, 392 bookmarks, 403765 views"), buttons
 * with counts in their labels ("13 Replies. Reply"; zero: "Reply"), the bookmark button's
 * label without a number except on a status page's focal post, the views link, and the
 * abbreviated, truncated visible counts (1776 -> "1.7K").
 * Quirk: REFERENCE.md "Real x.com markup".
 */
import { abbreviate, esc } from "../format.js";
import { button, cls, span, wrap, type RenderCtx } from "../markup.js";
import type { TweetView } from "./model.js";

function counter(n: number): string {
  return `<span data-testid="app-text-transition-container" style="transition-property:transform">${span(`<span>${abbreviate(n)}</span>`)}</span>`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A button's aria-label: "13 Replies. Reply", or the verb alone at zero. */
function label(n: number, one: string, many: string, verb: string): string {
  return n > 0 ? `${count(n, one, many)}. ${verb}` : verb;
}

/** The group's summary label; zero counts (and bookmarks in the older layout) left out. */
export function summaryLabel(t: TweetView): string {
  const c = t.counts;
  const parts = [
    c.replies > 0 ? count(c.replies, "reply", "replies") : "",
    c.reposts > 0 ? count(c.reposts, "repost", "reposts") : "",
    c.likes > 0 ? count(c.likes, "like", "likes") : "",
    !t.condensed && c.bookmarks > 0 ? count(c.bookmarks, "bookmark", "bookmarks") : "",
    t.views !== null && t.views > 0 ? count(t.views, "view", "views") : "",
  ];
  return parts.filter((p) => p !== "").join(", ");
}

function actionButton(ctx: RenderCtx, testid: string, aria: string, shown: number | null): string {
  const icon = `<svg viewBox="0 0 24 24" aria-hidden="true" width="18" height="18"><g><path d="M1 1h22v22H1z"></path></g></svg>`;
  const inner = wrap(`${wrap(icon, 1, `${testid}i`, ctx.variant)}${shown === null ? "" : counter(shown)}`, 1, `${testid}b`, ctx.variant);
  return wrap(button(ctx.variant, { testid, label: aria }, inner), 1, `${testid}w`, ctx.variant);
}

function viewsLink(ctx: RenderCtx, t: TweetView, views: number): string {
  const aria = views > 0 ? `${count(views, "view", "views")}. View post analytics` : "View post analytics";
  const href = `/${esc(t.author)}/status/${t.id}/analytics`;
  return wrap(`<a href="${href}" aria-label="${aria}" role="link" class="${cls("views", ctx.variant)}">${counter(views)}</a>`, 1, "vw", ctx.variant);
}

/** The action bar of a tweet; `focal` for a status page's main post. */
export function actionBar(ctx: RenderCtx, t: TweetView, focal: boolean): string {
  const c = t.counts;
  const bookmarkLabel = focal ? label(c.bookmarks, "Bookmark", "Bookmarks", "Bookmark") : "Bookmark";
  const buttons = [
    actionButton(ctx, "reply", label(c.replies, "Reply", "Replies", "Reply"), c.replies),
    actionButton(ctx, "retweet", label(c.reposts, "repost", "reposts", "Repost"), c.reposts),
    actionButton(ctx, "like", label(c.likes, "Like", "Likes", "Like"), c.likes),
    t.views !== null ? viewsLink(ctx, t, t.views) : "",
    t.condensed ? "" : actionButton(ctx, "bookmark", bookmarkLabel, focal ? c.bookmarks : null),
  ].join("");
  return `<div aria-label="${summaryLabel(t)}" role="group" class="${cls("group", ctx.variant)}">${buttons}</div>`;
}
