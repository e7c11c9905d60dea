/** Logged-in pages: home, compose, status, profile, mentions. */
import { tombstone, tweetArticle } from "./article.js";
import { composeDialog, inlineComposer } from "./composer.js";
import { esc, withCommas } from "./format.js";
import { frame, heading } from "./layout.js";
import { cls, span, wrap, type RenderCtx } from "./markup.js";
import { conversation, followersOf, homeTimeline, mentions, metricsOf, profileTimeline } from "./queries.js";
import type { SandboxState } from "./state.js";
import type { StoredPost } from "./types.js";
import { accountNotFoundPage, postNotFoundPage } from "./walls.js";

/** Request facts shared by the page renderers. */
export interface PageCtx extends RenderCtx {
  state: SandboxState;
  composerDisabled: boolean;
}

function nameOf(p: PageCtx, handle: string): string {
  return p.state.userInfo(handle)?.name ?? handle;
}

function article(p: PageCtx, post: StoredPost, focal = false): string {
  const cell = tweetArticle(p, post, metricsOf(p.state, post), { name: nameOf(p, post.author), focal });
  return `<div data-testid="cellInnerDiv" class="${cls("cell", p.variant)}">${wrap(cell, 2, "cl", p.variant)}</div>`;
}

function timeline(p: PageCtx, label: string, posts: StoredPost[]): string {
  const cells = posts.map((post) => article(p, post)).join("");
  return `<section aria-labelledby="accessible-list-0" role="region"><h1 id="accessible-list-0" style="display:none">${esc(label)}</h1><div aria-label="${esc(label)}">${cells}</div></section>`;
}

function frameOpts(p: PageCtx, title: string): { title: string; name: string; composerDisabled: boolean } {
  return { title, name: nameOf(p, p.user), composerDisabled: p.composerDisabled };
}

/** /home: inline composer (variant "b": none until `n` is pressed) and the timeline. */
export function homePage(p: PageCtx): string {
  const composer = p.variant === "b" ? "" : inlineComposer(p);
  const body = heading(p, "Home") + composer + timeline(p, "Timeline: Your Home Timeline", homeTimeline(p.state));
  return frame(p, frameOpts(p, "Home / X"), body);
}

/** /compose/tweet, /compose/post: the compose dialog over the home timeline (no inline composer). */
export function composePage(p: PageCtx): string {
  const body = heading(p, "Home") + timeline(p, "Timeline: Your Home Timeline", homeTimeline(p.state));
  return frame(p, { ...frameOpts(p, "Compose new post / X"), overlay: composeDialog(p.variant) }, body);
}

/** Status page: ancestors, the focal tweet, an inline reply composer, then replies. */
export function statusPage(p: PageCtx, id: string): string {
  const focal = p.state.livePost(id);
  if (!focal) return postNotFoundPage(p, nameOf(p, p.user));
  const convo = conversation(p.state, focal);
  const above = convo.ancestors.map((a) => (a.deleted ? tombstone(p) : article(p, a))).join("");
  const below = convo.replies.map((r) => article(p, r)).join("");
  const body =
    heading(p, "Post") +
    `<section aria-labelledby="accessible-list-1" role="region"><h1 id="accessible-list-1" style="display:none">Conversation</h1><div aria-label="Timeline: Conversation">` +
    above + article(p, focal, true) + inlineComposer(p, focal.id) + below +
    `</div></section>`;
  const title = `${nameOf(p, focal.author)} on X: "${focal.text.slice(0, 60)}" / X`;
  return frame(p, frameOpts(p, title), body);
}

function countLink(p: PageCtx, href: string, n: number, label: string): string {
  const inner = `${span(span(withCommas(n)))} ${span(label)}`;
  return `<a href="${href}" dir="ltr" role="link" class="${cls(`cnt${label}`, p.variant)}">${inner}</a>`;
}

/** /<user>: header with following/followers links and the user's posts (no replies), newest first. */
export function profilePage(p: PageCtx, handle: string): string {
  const info = p.state.userInfo(handle);
  if (!info) return accountNotFoundPage(p, nameOf(p, p.user));
  const h = esc(info.handle);
  const followers = followersOf(p.state, info.handle);
  const links = [
    countLink(p, `/${h}/following`, 321, "Following"),
    countLink(p, `/${h}/followers`, followers, "Followers"),
    countLink(p, `/${h}/verified_followers`, followers, "Followers"),
  ].map((l, i) => wrap(l, 1, `pl${i}`, p.variant));
  const name = `<div data-testid="UserName">${span(esc(info.name))}${span(`@${h}`)}</div>`;
  const header = wrap(`${wrap(name, 2, "pn", p.variant)}${wrap(links.join(""), 1, "pls", p.variant)}`, 2, "ph", p.variant);
  const body = heading(p, info.name) + header + timeline(p, `Timeline: ${info.name}’s posts`, profileTimeline(p.state, info.handle));
  return frame(p, frameOpts(p, `${info.name} (@${info.handle}) / X`), body);
}

/** /notifications/mentions: posts by others that mention the user or reply to the user. */
export function mentionsPage(p: PageCtx): string {
  const body = heading(p, "Notifications") + timeline(p, "Timeline: Mentions", mentions(p.state));
  return frame(p, frameOpts(p, "Notifications / X"), body);
}
