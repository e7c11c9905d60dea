/** The lib/x page operations on one Playwright page: what the browser transport runs once its browser is up (browser.ts imports this module then). */
import { postQuote, postSingle, postThread, reply } from "../post.js";
import { conversation } from "../read/conversation.js";
import { readFollowers } from "../read/followers.js";
import { mentions } from "../read/mentions.js";
import { recentTimeline } from "../read/timeline.js";
import { checkSession } from "../session-check.js";
import type { XSite } from "../types.js";
import { browserMetricsFor } from "./browser-reads.js";
import type { XOps } from "./port.js";

type Page = import("playwright-core").Page;

/** The transport's operations, each on `page`. */
export function pageOps(page: Page, site: XSite): XOps {
  return {
    postSingle: (text, opts, media) => postSingle(page, site, text, opts, media),
    postThread: (texts, opts, media) => postThread(page, site, texts, opts, media),
    reply: (tweetId, text, opts, media) => reply(page, site, tweetId, text, opts, media),
    postQuote: (tweetId, text, opts, media) => postQuote(page, site, tweetId, text, opts, media),
    recentTimeline: (user, opts) => recentTimeline(page, site, user, opts),
    conversation: (tweetId) => conversation(page, site, tweetId),
    metricsFor: (ids) => browserMetricsFor(page, site, ids),
    followers: () => readFollowers(page, site, site.user),
    mentions: (opts) => mentions(page, site, opts.max),
    checkSession: () => checkSession(page, site),
  };
}
