/** Timeline cells into markup: tweets, tombstones, conversation modules, "Who to follow". */
import { esc } from "../format.js";
import { button, cls, span, wrap, type RenderCtx } from "../markup.js";
import { cell, tombstone, tweetArticle, type ArticleOpts } from "./article.js";
import type { UserView } from "./model.js";
import type { Cell, TweetItem } from "./page-model.js";

/** One slot: an article, or a tombstone. */
export function itemHtml(ctx: RenderCtx, item: TweetItem, opts: ArticleOpts = {}): string {
  return cell(ctx, item.kind === "tweet" ? tweetArticle(ctx, item.tweet, opts) : tombstone(ctx, item.text));
}

function userCell(ctx: RenderCtx, u: UserView): string {
  const h = esc(u.handle);
  const follow = button(ctx.variant, { testid: `${u.restId}-follow`, label: `Follow @${h}` }, span(span("Follow")));
  const who = `<a href="/${h}" role="link">${span(esc(u.name))}</a><a href="/${h}" role="link" tabindex="-1">${span(`@${h}`)}</a>`;
  return `<div data-testid="UserCell" role="button" tabindex="0" class="${cls("uc", ctx.variant)}">${wrap(who, 2, "ucw", ctx.variant)}${follow}</div>`;
}

/** A cell's markup (a module gives one row per tweet). */
export function cellHtml(ctx: RenderCtx, c: Cell): string {
  if (c.kind === "item") return itemHtml(ctx, c.item, { pinned: c.pinned });
  if (c.kind === "module") return c.items.map((i) => itemHtml(ctx, i)).join("");
  const title = `<h2 dir="ltr" aria-level="2" role="heading">${span(esc(c.title || "Who to follow"))}</h2>`;
  return cell(ctx, `<aside aria-label="Who to follow" role="complementary">${title}${c.users.map((u) => userCell(ctx, u)).join("")}</aside>`);
}
