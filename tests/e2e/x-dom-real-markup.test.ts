/**
 * The DOM fallback (lib/x/in-page.ts + lib/x/dom-metrics.ts) in the REAL bundled Chromium on
 * markup shaped like pages captured from the real x.com (REFERENCE.md, "Real x.com markup"),
 * not the sandbox: the action bar's summary label, a timeline bookmark button without a
 * number, a media carousel group before the action bar, an older layout without a bookmark
 * button, emoji as <img alt>, "Show more" inside the text, t.co links, no separators.
 */
import Sparticuz from "@sparticuz/chromium";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readArticles } from "../../lib/x/articles.js";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: await Sparticuz.executablePath(), args: Sparticuz.args, headless: true });
  page = await (await browser.newContext()).newPage();
}, 60_000);
afterAll(async () => {
  await page?.close();
  await browser?.close();
});

const soup = (inner: string): string => `<div class="css-175oi2r r-18u37iz r-1h0z5md">${inner}</div>`;
const btn = (testid: string, label: string, shown: string): string =>
  soup(
    `<button aria-label="${label}" role="button" class="css-175oi2r r-1777fci" data-testid="${testid}" type="button">${soup(`<div dir="ltr"><span data-testid="app-text-transition-container"><span><span>${shown}</span></span></span></div>`)}</button>`,
  );

function article(o: { id: string; text: string; summary?: string; buttons: string; carousel?: boolean }): string {
  const time = `<a href="/xbot_user/status/${o.id}" dir="ltr" role="link"><time datetime="2026-03-01T10:00:00.000Z">Mar 1</time></a>`;
  const carousel = o.carousel
    ? `<div aria-label="Image" role="group">${soup('<div data-testid="tweetPhoto"><img alt="A chart" src="data:,"></div>')}${soup('<div data-testid="tweetPhoto"><img alt="Another chart" src="data:,"></div>')}</div>`
    : "";
  const bar = `<div aria-label="${o.summary ?? ""}" role="group" class="css-175oi2r r-1kbdv8c">${o.buttons}</div>`;
  return `<article aria-labelledby="id__x" role="article" tabindex="0" data-testid="tweet">${soup(`<div data-testid="User-Name">${soup(time)}</div>`)}<div lang="en" dir="auto" data-testid="tweetText">${o.text}</div>${soup(carousel)}${soup(bar)}</article>`;
}

const TIMELINE_BUTTONS = [
  btn("reply", "427 Replies. Reply", "427"),
  btn("retweet", "728 reposts. Repost", "728"),
  btn("like", "4412 Likes. Like", "4.4K"),
  `<a href="/xbot_user/status/1/analytics" aria-label="403765 views. View post analytics" role="link">403K</a>`,
  btn("bookmark", "Bookmark", ""),
].join("");

describe("real x.com markup", () => {
  it("reads every counter exactly from the summary label, though the bookmark button has no number and a carousel comes first", async () => {
    await page.setContent(article({ id: "1", text: "<span>Charts</span>", summary: "427 replies, 728 reposts, 4412 likes, 392 bookmarks, 403765 views", buttons: TIMELINE_BUTTONS, carousel: true }));
    const [t] = await readArticles(page);
    expect(t?.metrics).toEqual({ replies: 427, reposts: 728, likes: 4412, bookmarks: 392, views: 403765, source: "dom", approximate: [], unknown: [] });
    expect(t?.mediaCount).toBe(2);
  });

  it("without a summary, a bookmark button without a number is unknown, never 0; abbreviated text is approximate", async () => {
    await page.setContent(article({ id: "2", text: "<span>x</span>", buttons: TIMELINE_BUTTONS.replace('aria-label="4412 Likes. Like"', 'aria-label="Like"') }));
    const [t] = await readArticles(page);
    expect(t?.metrics).toMatchObject({ likes: 4400, bookmarks: null, views: 403765, approximate: ["likes"], unknown: ["bookmarks"] });
  });

  it("an older layout without a bookmark button reads bookmarks as unknown and the rest exactly", async () => {
    const buttons = TIMELINE_BUTTONS.replace(btn("bookmark", "Bookmark", ""), "");
    await page.setContent(article({ id: "3", text: "<span>old</span>", summary: "2 replies, 728 reposts, 5 likes, 99 views", buttons }));
    const [t] = await readArticles(page);
    expect(t?.metrics).toMatchObject({ replies: 2, reposts: 728, likes: 5, bookmarks: null, views: 99, unknown: ["bookmarks"] });
  });

  it("keeps emoji alt text and t.co links, drops the Show more control and says the text is truncated", async () => {
    const text =
      `<span>Shipped </span><img alt="🚀" draggable="false" src="data:,"><span> read </span>` +
      `<a dir="ltr" href="https://t.co/AbCdEf1234" rel="noopener" role="link" target="_blank"><span aria-hidden="true">https://</span>example.com/a/very/lo<span aria-hidden="true">ng/path</span>…</a>` +
      `<span> and more words</span><button data-testid="tweet-text-show-more-link" type="button">Show more</button>`;
    await page.setContent(article({ id: "4", text, summary: "", buttons: TIMELINE_BUTTONS }));
    const [t] = await readArticles(page);
    expect(t).toMatchObject({ id: "4", author: "xbot_user", text: "Shipped 🚀 read https://t.co/AbCdEf1234 and more words", truncated: true });
    expect(t?.time?.toISOString()).toBe("2026-03-01T10:00:00.000Z");
  });
});
