/**
 * The profile: UserByScreenName for the header, then (unless suspended, or until the caution
 * interstitial of a restricted account is passed) the UserTweets feed.
 */
import { esc, withCommas } from "../format.js";
import { cls, span, wrap, type RenderCtx } from "../markup.js";
import { NO_ACCOUNT_TEXT } from "../texts.js";
import { fromHtml, viewRoot } from "./dom.js";
import { mountFeed, PAGE_SIZE, type FeedSpec } from "./feed.js";
import { gqlRead } from "./gql.js";
import { parseUser, type UserView } from "./model.js";
import { field, obj, path, resultOf } from "./shape.js";
import { errorDetail, heading, restrictedState, showRetry, suspendedState } from "./states.js";

function countLink(ctx: RenderCtx, href: string, n: number, label: string): string {
  const inner = `${span(span(withCommas(n)))} ${span(label)}`;
  return `<a href="${href}" dir="ltr" role="link" class="${cls(`cnt${label}`, ctx.variant)}">${inner}</a>`;
}

/** Header: name and handle, then following / followers / verified_followers links (counts with separators). */
function header(ctx: RenderCtx, u: UserView): string {
  const h = esc(u.handle);
  const links = [
    countLink(ctx, `/${h}/following`, u.following, "Following"),
    countLink(ctx, `/${h}/followers`, u.followers, "Followers"),
    countLink(ctx, `/${h}/verified_followers`, u.followers, "Followers"),
  ].map((l, i) => wrap(l, 1, `pl${i}`, ctx.variant));
  const name = `<div data-testid="UserName">${span(esc(u.name))}${span(`@${h}`)}</div>`;
  return heading(ctx, u.name) + wrap(`${wrap(name, 2, "pn", ctx.variant)}${wrap(links.join(""), 1, "pls", ctx.variant)}`, 2, "ph", ctx.variant);
}

function feedOf(u: UserView): FeedSpec {
  return {
    op: "UserTweets",
    variables: (cursor) => ({ userId: u.restId, count: PAGE_SIZE, includePromotedContent: true, withQuickPromoteEligibilityTweetFields: true, withVoice: true, ...(cursor ? { cursor } : {}) }),
    instructions: (body) => {
      const r = resultOf(path(body, "data", "user"));
      return obj(field(obj(field(r, "timeline", "timeline_v2")), "timeline"))?.instructions;
    },
    label: `Timeline: ${u.name}’s posts`,
    empty: { heading: `@${u.handle} hasn’t posted`, text: "When they do, their posts will show up here." },
  };
}

function show(ctx: RenderCtx, root: HTMLElement, handle: string, u: UserView | null): void {
  if (!u) {
    document.title = "Profile / X";
    root.innerHTML = errorDetail(ctx, NO_ACCOUNT_TEXT, "Try searching for another.");
    return;
  }
  if (u.unavailable) {
    document.title = `@${handle} / X`;
    root.insertAdjacentHTML("beforeend", heading(ctx, `@${handle}`));
    root.appendChild(suspendedState(ctx));
    return;
  }
  document.title = `${u.name} (@${u.handle}) / X`;
  root.insertAdjacentHTML("beforeend", header(ctx, u));
  if (u.interstitial === "") {
    mountFeed(ctx, root, feedOf(u));
    return;
  }
  const gate = restrictedState(ctx, () => {
    gate.remove();
    mountFeed(ctx, root, feedOf(u));
  });
  root.appendChild(gate);
}

async function load(ctx: RenderCtx, root: HTMLElement, handle: string): Promise<void> {
  try {
    const body = await gqlRead("UserByScreenName", { screen_name: handle, withSafetyModeUserFields: true });
    show(ctx, root, handle, parseUser(resultOf(path(body, "data", "user"))));
  } catch {
    showRetry(ctx, root, () => void load(ctx, root, handle));
  }
}

/** /<handle>. */
export function profileView(ctx: RenderCtx, handle: string): void {
  const root = viewRoot();
  document.title = "Profile / X";
  const mount = fromHtml(`<div class="${cls("prof", ctx.variant)}"></div>`);
  root.appendChild(mount);
  void load(ctx, mount, handle);
}
