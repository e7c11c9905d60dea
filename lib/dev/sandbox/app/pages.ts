/** Home, compose, mentions and "doesn't exist" views. */
import type { RenderCtx } from "../markup.js";
import { NOT_FOUND_TEXT } from "../texts.js";
import { openDialog, refresh } from "./compose.js";
import { inlineComposer } from "./composer-markup.js";
import { viewRoot, qa } from "./dom.js";
import { mountFeed, PAGE_SIZE, type FeedSpec } from "./feed.js";
import { path } from "./shape.js";
import { errorDetail, heading } from "./states.js";

function withCursor(base: Record<string, unknown>, cursor: string | null): Record<string, unknown> {
  return cursor ? { ...base, cursor } : base;
}

const HOME: FeedSpec = {
  op: "HomeTimeline",
  variables: (cursor) => withCursor({ count: PAGE_SIZE, includePromotedContent: true, latestControlAvailable: true, requestContext: "launch", withCommunity: true }, cursor),
  instructions: (body) => path(body, "data", "home", "home_timeline_urt")?.instructions,
  label: "Timeline: Your Home Timeline",
  empty: { heading: "Welcome to X!", text: "This is the best place to see what’s happening in your world." },
};

const MENTIONS: FeedSpec = {
  op: "NotificationsTimeline",
  variables: (cursor) => withCursor({ timeline_type: "Mentions", count: PAGE_SIZE }, cursor),
  instructions: (body) =>
    path(body, "data", "viewer_v2", "user_results", "result", "notification_timeline", "timeline")?.instructions ??
    path(body, "data", "viewer_v2", "user_results_v2", "result", "notification_timeline", "timeline")?.instructions,
  label: "Timeline: Mentions",
  empty: { heading: "Nothing to see here — yet", text: "When someone mentions you, you’ll find it here." },
};

/** /home: heading, the inline composer (not in variant "b": press `n`), the home timeline. */
export function homeView(ctx: RenderCtx, compose: boolean): void {
  const root = viewRoot();
  document.title = compose ? "Compose new post / X" : "Home / X";
  const composer = compose || ctx.variant === "b" ? "" : inlineComposer(ctx);
  root.insertAdjacentHTML("beforeend", heading(ctx, "Home") + composer);
  qa<HTMLElement>("[data-sb-composer]", root).forEach(refresh);
  mountFeed(ctx, root, HOME);
  if (compose) openDialog("compose");
}

/** /notifications/mentions: others' posts mentioning or replying to the user. */
export function mentionsView(ctx: RenderCtx): void {
  const root = viewRoot();
  document.title = "Notifications / X";
  root.insertAdjacentHTML("beforeend", heading(ctx, "Notifications"));
  mountFeed(ctx, root, MENTIONS);
}

/** x.com's "this page doesn't exist" (unknown paths, unknown or deleted posts). */
export function notFoundView(ctx: RenderCtx): void {
  document.title = "Page not found / X";
  viewRoot().innerHTML = errorDetail(ctx, NOT_FOUND_TEXT);
}
