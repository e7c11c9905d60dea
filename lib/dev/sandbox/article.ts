/** `article[data-testid="tweet"]` markup with the action bar, as x.com renders it. */
import { abbreviate, esc, longTime, plural, relativeTime, withCommas } from "./format.js";
import { button, cls, span, tweetText, wrap, type RenderCtx } from "./markup.js";
import type { Metrics, StoredPost } from "./types.js";

/** A counter in the action bar: visible abbreviated text in an app-text-transition-container. */
function counter(n: number): string {
  return `<span data-testid="app-text-transition-container" style="transition-property:transform">${span(
    `<span>${abbreviate(n)}</span>`,
  )}</span>`;
}

/** aria-label of an action button: "13 Replies. Reply", or just "Reply" at zero (as x.com does). */
function actionLabel(n: number, one: string, many: string, verb: string): string {
  return n > 0 ? `${plural(n, one, many)}. ${verb}` : verb;
}

function actionButton(ctx: RenderCtx, testid: string, label: string, n: number): string {
  const icon = `<svg viewBox="0 0 24 24" aria-hidden="true" width="18" height="18"><g><path d="M1 1h22v22H1z"></path></g></svg>`;
  const inner = wrap(`${wrap(icon, 1, `${testid}i`, ctx.variant)}${counter(n)}`, 1, `${testid}b`, ctx.variant);
  return wrap(button(ctx.variant, { testid, label }, inner), 1, `${testid}w`, ctx.variant);
}

function viewsLink(ctx: RenderCtx, post: StoredPost, views: number): string {
  const label = views > 0 ? `${withCommas(views)} Views. View post analytics` : "View post analytics";
  const href = `/${esc(post.author)}/status/${post.id}/analytics`;
  const link = `<a href="${href}" aria-label="${label}" role="link" class="${cls("views", ctx.variant)}">${counter(views)}</a>`;
  return wrap(link, 1, "vw", ctx.variant);
}

/** The `div[role="group"]` action bar with exact counts in aria-labels. */
export function actionBar(ctx: RenderCtx, post: StoredPost, m: Metrics): string {
  const groupLabel = `${m.replies} replies, ${m.reposts} reposts, ${m.likes} likes, ${m.bookmarks} bookmarks, ${m.views} views`;
  const buttons = [
    actionButton(ctx, "reply", actionLabel(m.replies, "Reply", "Replies", "Reply"), m.replies),
    actionButton(ctx, "retweet", actionLabel(m.reposts, "repost", "reposts", "Repost"), m.reposts),
    actionButton(ctx, "like", actionLabel(m.likes, "Like", "Likes", "Like"), m.likes),
    viewsLink(ctx, post, m.views),
    actionButton(ctx, "bookmark", actionLabel(m.bookmarks, "Bookmark", "Bookmarks", "Bookmark"), m.bookmarks),
  ].join("");
  return `<div aria-label="${groupLabel}" role="group" class="${cls("group", ctx.variant)}">${buttons}</div>`;
}

function userName(ctx: RenderCtx, post: StoredPost, name: string, focal: boolean): string {
  const h = esc(post.author);
  const when = focal ? longTime(post.createdAtMs) : relativeTime(post.createdAtMs, ctx.nowMs);
  const iso = new Date(post.createdAtMs).toISOString();
  const time = `<a href="/${h}/status/${post.id}" dir="ltr" aria-label="${esc(when)}" role="link" class="${cls("tl")}"><time datetime="${iso}">${esc(when)}</time></a>`;
  const nameLink = `<a href="/${h}" role="link" class="${cls("nl")}">${wrap(span(esc(name)), 1, "nm", ctx.variant)}</a>`;
  const handle = `<a href="/${h}" role="link" tabindex="-1" class="${cls("hl")}">${span(`@${h}`)}</a>`;
  const dot = `<div aria-hidden="true">${span("·")}</div>`;
  return `<div data-testid="User-Name" class="${cls("un", ctx.variant)}">${wrap(nameLink, 2, "un1", ctx.variant)}${wrap(`${handle}${dot}${time}`, 2, "un2", ctx.variant)}</div>`;
}

/** Options of tweetArticle. */
export interface ArticleOpts {
  /** The status page's main tweet (tabindex -1, long timestamp). */
  focal?: boolean;
  /** Display name of the author. */
  name: string;
}

/** One tweet as `article[data-testid="tweet"]`. */
export function tweetArticle(ctx: RenderCtx, post: StoredPost, m: Metrics, opts: ArticleOpts): string {
  const v = ctx.variant;
  const avatar = `<div data-testid="Tweet-User-Avatar" class="${cls("av", v)}"><a href="/${esc(post.author)}" role="link" aria-hidden="true" tabindex="-1"></a></div>`;
  const body = [
    wrap(userName(ctx, post, opts.name, opts.focal === true), 2, "hdr", v),
    wrap(tweetText(post.text), 1, "txt", v),
    wrap(actionBar(ctx, post, m), 2, "bar", v),
  ].join("");
  const inner = `${wrap(avatar, 1, "avw", v)}${wrap(body, 1, "bdy", v)}`;
  const tab = opts.focal ? "-1" : "0";
  return `<article aria-labelledby="id__${post.id}" role="article" tabindex="${tab}" data-testid="tweet" class="${cls("article", v)}">${wrap(inner, 3, "art", v)}</article>`;
}

/** Placeholder x.com shows for a deleted post inside a conversation. */
export function tombstone(ctx: RenderCtx): string {
  const text = `This post was deleted by the post author. <a href="https://help.x.com/rules-and-policies/notices-on-x" role="link">${span("Learn more")}</a>`;
  return wrap(`<div data-testid="tombstone" class="${cls("ts", ctx.variant)}">${span(text)}</div>`, 2, "tsw", ctx.variant);
}
