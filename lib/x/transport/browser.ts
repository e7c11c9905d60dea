/** The browser transport: the lib/x page operations, one Playwright page per unit of work. */
import type { BrowserSession } from "../../browser/index.js";
import { postQuote, postSingle, postThread, reply } from "../post.js";
import { conversation } from "../read/conversation.js";
import { readFollowers } from "../read/followers.js";
import { mentions } from "../read/mentions.js";
import { recentTimeline } from "../read/timeline.js";
import { checkSession } from "../session-check.js";
import type { XSite } from "../types.js";
import { browserMetricsFor } from "./browser-reads.js";
import type { XOps, XTransport } from "./port.js";

type Page = import("playwright-core").Page;

function pageOps(page: Page, site: XSite): XOps {
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

/** A transport over the run's browser (launched on first use by `browser`). */
export function browserTransport(site: XSite, browser: () => Promise<BrowserSession>): XTransport {
  return {
    kind: "browser",
    async use(label, work, opts) {
      const session = await browser();
      return session.withPage(label, (page) => work(pageOps(page, site)), opts);
    },
  };
}
