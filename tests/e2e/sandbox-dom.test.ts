/**
 * The DOM the sandbox's page script renders from GraphQL, with x.com's real quirks (REFERENCE.md
 * "Real x.com markup"): an app shell first, action-bar summaries without separators or zeros,
 * the bookmark count only on the focal post, the photo carousel group before the action bar,
 * the older layout without a bookmark button, emoji as images, "Show more" inside tweetText,
 * t.co links, old posts without views, and infinite scroll.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../lib/dev/sandbox/index.js";
import { useSandboxBrowser } from "../support/sandbox-browser.js";
import { admin, seedPosts } from "../support/sandbox-api.js";

const T = { timeout: 60_000 };
const USER = "xbot_sandbox";
let sb: Sandbox;

const fixture = useSandboxBrowser();
beforeAll(() => {
  sb = fixture.sandbox;
});

const newPage = (): Promise<Page> => fixture.newPage();

function articleOf(page: Page, author: string, id: string) {
  return page.locator('article[data-testid="tweet"]').filter({ has: page.locator(`a[href="/${author}/status/${id}"] time`) });
}

/** aria-labels of the article's `div[role="group"]`s, in document order. */
async function groupLabels(page: Page, author: string, id: string): Promise<(string | null)[]> {
  const art = articleOf(page, author, id);
  await art.waitFor();
  return art.locator('div[role="group"]').evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
}

describe("app shell", () => {
  it("serves landmarks and the hashed page script, no tweets; the script renders them from GraphQL", T, async () => {
    const cookie = sb
      .storageState()
      .cookies.map((c) => `${c.name}=${c.value}`)
      .join("; ");
    const html = await (await fetch(`${sb.url}/home`, { headers: { cookie } })).text();
    expect(html).toContain('data-testid="primaryColumn"');
    expect(html).toContain('data-testid="SideNav_AccountSwitcher_Button"');
    expect(html).not.toContain("<article");
    expect(html).not.toContain("Partial indexes in Postgres");
    expect(html.length).toBeLessThan(8_000);
    const src = /<script src="(\/responsive-web\/client-web\/main\.[0-9a-f]{10}\.js)">/.exec(html)?.[1];
    expect(src).toBeDefined();
    const script = await fetch(`${sb.url}${src}`);
    expect(script.headers.get("cache-control")).toContain("immutable");
    expect((await script.text()).length).toBeGreaterThan(10_000);
    const page = await newPage();
    const reads = page.waitForResponse((r) => r.url().includes("/HomeTimeline"));
    await page.goto(`${sb.url}/home`);
    expect((await reads).status()).toBe(200);
    await expect(page.locator('article[data-testid="tweet"] [data-testid="tweetText"]').filter({ hasText: "Partial indexes" }).count()).resolves.toBe(1);
  });
});

describe("action bar", () => {
  it("summary without separators or zeros, singulars, exact counts in labels, abbreviated visible text", T, async () => {
    const [p] = await seedPosts(sb, [{ author: "pg_guru", text: "Singulars", metrics: { replies: 1, reposts: 0, likes: 4412, bookmarks: 1, views: 1 } }]);
    const page = await newPage();
    await page.goto(`${sb.url}/pg_guru/status/${p?.id}`);
    const art = articleOf(page, "pg_guru", p?.id ?? "");
    await expect(art.locator('div[role="group"]').getAttribute("aria-label")).resolves.toBe("1 reply, 4412 likes, 1 bookmark, 1 view");
    await expect(art.getByTestId("reply").getAttribute("aria-label")).resolves.toBe("1 Reply. Reply");
    await expect(art.getByTestId("retweet").getAttribute("aria-label")).resolves.toBe("Repost");
    await expect(art.getByTestId("bookmark").getAttribute("aria-label")).resolves.toBe("1 Bookmark. Bookmark");
    await expect(art.locator('a[href$="/analytics"]').getAttribute("aria-label")).resolves.toBe("1 view. View post analytics");
    const [big] = await seedPosts(sb, [{ author: "pg_guru", text: "Big numbers", metrics: { replies: 13, reposts: 1776, likes: 8467, bookmarks: 392, views: 403765 } }]);
    await page.goto(`${sb.url}/i/web/status/${big?.id}`);
    const bar = articleOf(page, "pg_guru", big?.id ?? "").locator('div[role="group"]');
    await expect(bar.getAttribute("aria-label")).resolves.toBe("13 replies, 1776 reposts, 8467 likes, 392 bookmarks, 403765 views");
    await expect(bar.getByTestId("retweet").getAttribute("aria-label")).resolves.toBe("1776 reposts. Repost");
    await expect(bar.getByTestId("retweet").getByTestId("app-text-transition-container").innerText()).resolves.toBe("1.7K");
    await expect(bar.locator('a[href$="/analytics"]').getAttribute("aria-label")).resolves.toBe("403765 views. View post analytics");
    await expect(bar.locator('a[href$="/analytics"] [data-testid="app-text-transition-container"]').innerText()).resolves.toBe("403K");
  });

  it("the bookmark count is only in the summary on timelines, and on the button of the focal post", T, async () => {
    const metrics = { replies: 2, reposts: 3, likes: 40, bookmarks: 392, views: 900 };
    const [p] = await seedPosts(sb, [{ text: "Bookmark me", metrics }]);
    const page = await newPage();
    await page.goto(`${sb.url}/${USER}`);
    const onTimeline = articleOf(page, USER, p?.id ?? "");
    await expect(onTimeline.getByTestId("bookmark").getAttribute("aria-label")).resolves.toBe("Bookmark");
    await expect(onTimeline.getByTestId("bookmark").getByTestId("app-text-transition-container").count()).resolves.toBe(0);
    await expect(onTimeline.locator('div[role="group"]').getAttribute("aria-label")).resolves.toBe("2 replies, 3 reposts, 40 likes, 392 bookmarks, 900 views");
    await page.goto(`${sb.url}/${USER}/status/${p?.id}`);
    await expect(
      articleOf(page, USER, p?.id ?? "")
        .getByTestId("bookmark")
        .getAttribute("aria-label"),
    ).resolves.toBe("392 Bookmarks. Bookmark");
  });

  it("the older layout has no bookmark button and no bookmarks in the summary; old posts have no views", T, async () => {
    const metrics = { replies: 1, reposts: 2, likes: 30, bookmarks: 4, views: 500 };
    const [legacy, old] = await seedPosts(sb, [
      { author: "pg_guru", text: "Older layout", layout: "legacy", metrics },
      { author: "pg_guru", text: "From 2021", createdAtMs: Date.UTC(2021, 5, 1), metrics: { likes: 5 } },
    ]);
    const page = await newPage();
    for (const path of ["/pg_guru", `/i/status/${legacy?.id}`]) {
      await page.goto(sb.url + path);
      const art = articleOf(page, "pg_guru", legacy?.id ?? "");
      await expect(art.locator('div[role="group"]').getAttribute("aria-label")).resolves.toBe("1 reply, 2 reposts, 30 likes, 500 views");
      await expect(art.getByTestId("bookmark").count()).resolves.toBe(0);
      await expect(art.getByTestId("like").count()).resolves.toBe(1);
    }
    await page.goto(`${sb.url}/i/status/${old?.id}`);
    const o = articleOf(page, "pg_guru", old?.id ?? "");
    await expect(o.locator('div[role="group"]').getAttribute("aria-label")).resolves.toMatch(/^(\d+ \w+, )*5 likes$/);
    await expect(o.locator('a[href$="/analytics"]').count()).resolves.toBe(0);
    await expect(o.getByTestId("bookmark").count()).resolves.toBe(1);
  });
});

describe("tweet content", () => {
  it("photos: a carousel group with images before the action bar", T, async () => {
    const [p] = await seedPosts(sb, [{ text: "Two photos", media: 2, metrics: { likes: 3 } }]);
    const page = await newPage();
    await page.goto(`${sb.url}/${USER}`);
    const art = articleOf(page, USER, p?.id ?? "");
    await expect(groupLabels(page, USER, p?.id ?? "")).resolves.toEqual(["2 images", expect.stringContaining("3 likes")]);
    const carousel = art.locator('div[role="group"]').first();
    await expect(carousel.locator("img").evaluateAll((els) => els.map((e) => e.getAttribute("alt")))).resolves.toEqual(["Image", "Image"]);
    await expect(carousel.getByTestId("like").count()).resolves.toBe(0);
    await expect(art.locator('div[role="group"]').nth(1).getByTestId("like").count()).resolves.toBe(1);
  });

  it("emoji are images inside tweetText (innerText drops them), t.co links show their display_url", T, async () => {
    const [p] = await seedPosts(sb, [{ text: "I ❤️ https://www.example.com/a/rather/long/path/to/a/page ok" }]);
    const page = await newPage();
    await page.goto(`${sb.url}/i/status/${p?.id}`);
    const text = articleOf(page, USER, p?.id ?? "").getByTestId("tweetText");
    await expect(text.innerText()).resolves.toBe("I  example.com/a/rather/long… ok");
    const img = text.locator("img");
    await expect(img.getAttribute("alt")).resolves.toBe("❤️");
    await expect(img.getAttribute("src")).resolves.toBe("/emoji/v2/svg/2764.svg");
    await expect(img.getAttribute("draggable")).resolves.toBe("false");
    await expect(text.locator("a").getAttribute("href")).resolves.toMatch(/^https:\/\/t\.co\/[A-Za-z0-9]{10}$/);
    await expect(text.textContent()).resolves.not.toContain("https://www.example.com");
    const [joined] = await seedPosts(sb, [{ author: "pg_guru", text: "Thanks🙏🏽@xbot_sandbox" }]);
    await page.goto(`${sb.url}/i/status/${joined?.id}`);
    const joinedText = articleOf(page, "pg_guru", joined?.id ?? "").getByTestId("tweetText");
    await expect(joinedText.innerText()).resolves.toBe("Thanks@xbot_sandbox");
    await expect(joinedText.locator("img").getAttribute("src")).resolves.toBe("/emoji/v2/svg/1f64f-1f3fd.svg");
    await expect(joinedText.locator(`a[href="/${USER}"]`).innerText()).resolves.toBe(`@${USER}`);
  });

  it("a Premium long post: CreateNoteTweet from /home, Show more inside tweetText on timelines, full text on the focal post", T, async () => {
    await admin(sb, "POST", "seed", { premium: true });
    const long = `${"Typescript generics, explained slowly for people in a hurry. ".repeat(7)}The end.`;
    const page = await newPage();
    await page.goto(`${sb.url}/home`);
    await page.getByTestId("tweetTextarea_0").fill(long);
    const created = page.waitForResponse((r) => r.url().includes("/CreateNoteTweet"));
    await page.locator('[data-testid="tweetButtonInline"]:not([aria-disabled="true"])').click();
    const response = await created;
    expect(response.request().postDataJSON()).toMatchObject({ variables: { tweet_text: long, richtext_options: { richtext_tags: [] } }, queryId: sb.queryIds.CreateNoteTweet });
    const id = (await response.json()).data.notetweet_create.tweet_results.result.rest_id as string;
    await expect(page.locator(`[data-testid="toast"] a[href="/${USER}/status/${id}"]`).count()).resolves.toBe(1);
    await page.goto(`${sb.url}/${USER}`);
    const text = articleOf(page, USER, id).getByTestId("tweetText");
    await expect(text.getByTestId("tweet-text-show-more-link").innerText()).resolves.toBe("Show more");
    await expect(text.getByTestId("tweet-text-show-more-link").evaluate((e) => `${e.tagName}:${e.getAttribute("type")}`)).resolves.toBe("BUTTON:button");
    const shown = await text.innerText();
    expect(shown.endsWith("Show more")).toBe(true);
    expect(long.startsWith(shown.replace(/Show more$/, ""))).toBe(true);
    expect(shown.length).toBeLessThan(300);
    await text.getByTestId("tweet-text-show-more-link").click();
    await page.waitForURL(`**/${USER}/status/${id}`);
    const focal = articleOf(page, USER, id).getByTestId("tweetText");
    await expect(focal.innerText()).resolves.toBe(long);
    await expect(focal.getByTestId("tweet-text-show-more-link").count()).resolves.toBe(0);
  });

  it("without Premium the post button stays disabled past 280 weighted characters", T, async () => {
    const page = await newPage();
    await page.goto(`${sb.url}/home`);
    await page.getByTestId("tweetTextarea_0").fill("x".repeat(281));
    await expect(page.getByTestId("tweetButtonInline").getAttribute("aria-disabled")).resolves.toBe("true");
    await page.getByTestId("tweetTextarea_0").fill("x".repeat(280));
    await expect(page.getByTestId("tweetButtonInline").getAttribute("aria-disabled")).resolves.toBeNull();
  });
});

describe("timelines", () => {
  it("the profile loads more with the bottom cursor as the reader scrolls", T, async () => {
    const t0 = Date.now() - 100 * 3_600_000;
    await seedPosts(
      sb,
      Array.from({ length: 45 }, (_, i) => ({ text: `Scroll post ${i}`, createdAtMs: t0 + i * 3_600_000 })),
    );
    const page = await newPage();
    const cursors: (string | undefined)[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/UserTweets")) cursors.push(JSON.parse(new URL(r.url()).searchParams.get("variables") ?? "{}").cursor);
    });
    await page.goto(`${sb.url}/${USER}`);
    const articles = page.locator('article[data-testid="tweet"]');
    await articles.first().waitFor();
    expect(await articles.count()).toBe(20);
    for (let i = 0; i < 10 && (await articles.count()) < 45; i++) {
      await page.mouse.wheel(0, 20_000);
      await page.waitForTimeout(200);
    }
    const texts = await page.locator('article[data-testid="tweet"] [data-testid="tweetText"]').allInnerTexts();
    expect(texts).toEqual(Array.from({ length: 45 }, (_, i) => `Scroll post ${44 - i}`));
    expect(cursors[0]).toBeUndefined();
    expect(cursors.slice(1).every((c) => typeof c === "string")).toBe(true);
  });

  it("variant b renders the 2024 answers the same way, with real buttons", T, async () => {
    const [p] = await seedPosts(sb, [{ text: "Variant b reads timeline_v2", metrics: { likes: 7 } }]);
    const page = await newPage();
    const answer = page.waitForResponse((r) => r.url().includes("/UserTweets"));
    await page.goto(`${sb.url}/${USER}?variant=b`);
    expect((await (await answer).json()).data.user.result).toHaveProperty("timeline_v2");
    const art = articleOf(page, USER, p?.id ?? "");
    await expect(art.getByTestId("tweetText").innerText()).resolves.toBe("Variant b reads timeline_v2");
    await expect(art.getByTestId("like").evaluate((e) => e.tagName)).resolves.toBe("BUTTON");
    await expect(art.getByTestId("like").getAttribute("aria-label")).resolves.toBe("7 Likes. Like");
    await expect(page.locator(`a[href="/${USER}/followers"]`).innerText()).resolves.toBe("1,234 Followers");
  });
});
