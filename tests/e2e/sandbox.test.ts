/**
 * The x.com sandbox (lib/dev/sandbox) driven by the REAL bundled Chromium: login wall, posting,
 * threads, replies, markup shapes, faults, the DOM variant and the engagement model. Pages are
 * an app shell rendered by the page script from GraphQL (sandbox-graphql, sandbox-dom and
 * sandbox-faults test the shapes, quirks and new faults).
 */
import type { BrowserContext, Page, Response } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useSandboxBrowser } from "../support/sandbox-browser.js";
import { AUTOMATED_226_MESSAGE, CHALLENGE_TEXT, NOT_FOUND_TEXT, TOMBSTONE_TEXT, type Fault, type Sandbox, type SandboxPost } from "../../lib/dev/sandbox/index.js";

const T = { timeout: 60_000 };
const USER = "xbot_sandbox";
let sb: Sandbox;
let context: BrowserContext;

async function admin<R = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; json: R }> {
  const res = await fetch(`${sb.url}/__sandbox/${path}`, {
    method,
    headers: { "content-type": "application/json", "x-sandbox-token": sb.adminToken },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as R };
}

async function recorded(): Promise<SandboxPost[]> {
  return (await admin<{ posts: SandboxPost[] }>("GET", "posts")).json.posts;
}

/**
 * A fresh page, logged in with the sandbox storageState unless `auth` is false. The bundled
 * Chromium runs with --single-process, where closing a context kills the browser, so the file
 * shares one context (created with `storageState`) and resets its cookies per page.
 */
async function newPage(auth = true): Promise<Page> {
  await context.clearCookies();
  if (auth) await context.addCookies(sb.storageState().cookies);
  return context.newPage();
}

function createTweetResponse(page: Page): Promise<Response> {
  return page.waitForResponse((r) => r.url().includes("/CreateTweet") && r.request().method() === "POST");
}

function restId(body: unknown): string {
  const id = (body as { data?: { create_tweet?: { tweet_results?: { result?: { rest_id?: string } } } } }).data?.create_tweet?.tweet_results?.result?.rest_id;
  expect(id).toMatch(/^\d{19}$/);
  return id ?? "";
}

/** The article whose timestamp links to /<author>/status/<id>. */
function articleOf(page: Page, author: string, id: string) {
  return page.locator('article[data-testid="tweet"]').filter({ has: page.locator(`a[href="/${author}/status/${id}"] time`) });
}

async function seedOne(post: { author?: string; text: string; metrics?: Partial<SandboxPost["metrics"]>; inReplyTo?: string }): Promise<SandboxPost> {
  const { status, json } = await admin<{ posts: SandboxPost[] }>("POST", "seed", { posts: [post] });
  expect(status).toBe(200);
  const created = json.posts[0];
  if (!created) throw new Error("seed created nothing");
  return created;
}

/** Fills the home composer and clicks the post button; returns the CreateTweet response. */
async function postFromHome(page: Page, text: string): Promise<Response> {
  await page.goto(`${sb.url}/home`);
  await page.getByTestId("tweetTextarea_0").fill(text);
  const response = createTweetResponse(page);
  await page.locator('[data-testid="tweetButtonInline"]:not([aria-disabled="true"])').click();
  return response;
}

const fixture = useSandboxBrowser();
beforeAll(() => {
  ({ sandbox: sb, context } = fixture);
});

describe("session and login wall", () => {
  it("shows the logged-out page without cookies or with a wrong auth_token", T, async () => {
    const page = await newPage(false);
    for (const path of ["/home", "/compose/tweet", `/${USER}`, "/notifications/mentions"]) {
      await page.goto(sb.url + path);
      await expect(page.locator('a[href="/login"][data-testid="loginButton"]').count()).resolves.toBe(1);
      await expect(page.getByTestId("SideNav_AccountSwitcher_Button").count()).resolves.toBe(0);
    }
    const host = new URL(sb.url).hostname;
    await context.addCookies([{ name: "auth_token", value: "wrong", domain: host, path: "/" }]);
    await page.goto(`${sb.url}/home`);
    await expect(page.getByTestId("loginButton").count()).resolves.toBe(1);
  });

  it("logs in with storageState and guards CreateTweet with auth + CSRF", T, async () => {
    const page = await newPage();
    await page.goto(`${sb.url}/home`);
    await expect(page.getByTestId("SideNav_AccountSwitcher_Button").innerText()).resolves.toContain(`@${USER}`);
    await expect(page.getByTestId("loginButton").count()).resolves.toBe(0);
    const session = await admin<{ cookies: { name: string }[] }>("GET", "session");
    expect(session.json.cookies.map((c) => c.name).sort()).toEqual(["auth_token", "ct0"]);
    const url = `${sb.url}/i/api/graphql/abc/CreateTweet`;
    const data = { variables: { tweet_text: "no csrf" }, queryId: "abc" };
    const noCsrf = await page.request.post(url, { data });
    expect(noCsrf.status()).toBe(403);
    const anon = await fetch(url, { method: "POST", body: JSON.stringify(data) });
    expect(anon.status).toBe(401);
    expect((await recorded()).some((p) => p.text === "no csrf")).toBe(false);
  });
});

describe("posting through the UI", () => {
  it("posts a single from /home: recorded, rest_id matches, toast links to it, composer cleared", T, async () => {
    const page = await newPage();
    await page.goto(`${sb.url}/home`);
    await expect(page.getByTestId("tweetButtonInline").getAttribute("aria-disabled")).resolves.toBe("true");
    await expect(page.getByTestId("tweetTextarea_0").getAttribute("role")).resolves.toBe("textbox");
    const response = await postFromHome(page, "Hello from the sandbox, typescript fans");
    const id = restId(await response.json());
    const mine = (await recorded()).find((p) => p.id === id);
    expect(mine).toMatchObject({ text: "Hello from the sandbox, typescript fans", author: USER, inReplyTo: null, threadRootId: id });
    await expect(page.locator(`[data-testid="toast"] a[href="/${USER}/status/${id}"]`).innerText()).resolves.toBe("View");
    await expect(page.getByTestId("tweetTextarea_0").innerText()).resolves.toBe("");
    expect(sb.posts().some((p) => p.id === id)).toBe(true);
  });

  it("posts a 3-tweet thread via /compose/tweet, each replying to the previous", T, async () => {
    const page = await newPage();
    await page.goto(`${sb.url}/compose/tweet`);
    const dialog = page.locator('div[role="dialog"]');
    const texts = ["Thread 1/3 on postgres", "Thread 2/3: vacuum", "Thread 3/3: indexes"];
    await dialog.getByTestId("tweetTextarea_0").fill(texts[0] ?? "");
    for (let i = 1; i < texts.length; i++) {
      await dialog.getByTestId("addButton").click();
      await dialog.getByTestId(`tweetTextarea_${i}`).fill(texts[i] ?? "");
    }
    const bodies: Promise<unknown>[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/CreateTweet")) bodies.push(r.json());
    });
    await dialog.getByTestId("tweetButton").click();
    await page.getByTestId("toast").waitFor();
    await expect(dialog.count()).resolves.toBe(0);
    const ids = (await Promise.all(bodies)).map(restId);
    expect(ids).toHaveLength(3);
    await expect(page.locator(`[data-testid="toast"] a[href="/${USER}/status/${ids[0]}"]`).count()).resolves.toBe(1);
    const posts = await recorded();
    const thread = ids.map((id) => posts.find((p) => p.id === id));
    expect(thread.map((p) => p?.text)).toEqual(texts);
    expect(thread.map((p) => p?.inReplyTo)).toEqual([null, ids[0], ids[1]]);
    expect(thread.every((p) => p?.threadRootId === ids[0])).toBe(true);
  });

  it("replies through a status page's reply dialog, next to an inline reply composer", T, async () => {
    const target = await seedOne({ author: "pg_guru", text: "What is your favourite Postgres extension?" });
    const page = await newPage();
    await page.goto(`${sb.url}/i/status/${target.id}`);
    await expect(page.getByTestId("tweetButtonInline").count()).resolves.toBe(1);
    await articleOf(page, "pg_guru", target.id).getByTestId("reply").click();
    const dialog = page.locator('div[role="dialog"]');
    await dialog.locator('div[role="textbox"]').fill("pg_stat_statements, every time");
    const response = createTweetResponse(page);
    await dialog.locator('[data-testid="tweetButton"]:not([aria-disabled="true"])').click();
    const id = restId(await (await response).json());
    const reply = (await recorded()).find((p) => p.id === id);
    expect(reply).toMatchObject({ inReplyTo: target.id, threadRootId: target.id, author: USER });
    await page.goto(`${sb.url}/i/web/status/${target.id}`);
    await expect(articleOf(page, USER, id).getByTestId("tweetText").innerText()).resolves.toBe("pg_stat_statements, every time");
  });
});

describe("markup shapes", () => {
  it("status page: exact counts in aria-labels, abbreviated visible counts, tweet structure", T, async () => {
    const metrics = { replies: 13, reposts: 139, likes: 8467, bookmarks: 290, views: 7154 };
    const post = await seedOne({ author: "pg_guru", text: "Counting things @xbot_sandbox", metrics });
    const page = await newPage();
    await page.goto(`${sb.url}/pg_guru/status/${post.id}`);
    const art = articleOf(page, "pg_guru", post.id);
    const bar = art.locator('div[role="group"]');
    const label = (testid: string) => bar.getByTestId(testid).getAttribute("aria-label");
    await expect(label("reply")).resolves.toBe("13 Replies. Reply");
    await expect(label("retweet")).resolves.toBe("139 reposts. Repost");
    await expect(label("like")).resolves.toBe("8467 Likes. Like");
    await expect(label("bookmark")).resolves.toBe("290 Bookmarks. Bookmark");
    const views = bar.locator('a[href$="/analytics"]');
    await expect(views.getAttribute("aria-label")).resolves.toBe("7154 views. View post analytics");
    await expect(bar.getAttribute("aria-label")).resolves.toBe("13 replies, 139 reposts, 8467 likes, 290 bookmarks, 7154 views");
    const shown = (loc: ReturnType<Page["locator"]>) => loc.locator('span[data-testid="app-text-transition-container"]').innerText();
    await expect(shown(bar.getByTestId("like"))).resolves.toBe("8.4K");
    await expect(shown(bar.getByTestId("retweet"))).resolves.toBe("139");
    await expect(shown(views)).resolves.toBe("7.1K");
    await expect(bar.getByTestId("like").evaluate((e) => `${e.tagName}:${e.getAttribute("role")}`)).resolves.toBe("DIV:button");
    await expect(art.getByTestId("User-Name").innerText()).resolves.toContain("@pg_guru");
    await expect(art.getByTestId("tweetText").innerText()).resolves.toBe("Counting things @xbot_sandbox");
    const datetime = await art.locator(`a[href="/pg_guru/status/${post.id}"] time`).getAttribute("datetime");
    // x.com's created_at has whole seconds, and so has the datetime rendered from it.
    expect(new Date(datetime ?? "").getTime()).toBe(Math.floor(post.createdAtMs / 1000) * 1000);
    await expect(art.getAttribute("class")).resolves.toMatch(/^css-175oi2r( r-[a-z0-9]+)+$/);
    const parents = await art.getByTestId("tweetText").evaluate((e) => {
      let n = 0;
      for (let p = e.parentElement; p && p.tagName !== "ARTICLE"; p = p.parentElement) n++;
      return n;
    });
    expect(parents).toBeGreaterThanOrEqual(5);
  });

  it("zero counts read like x.com, and deleted or unknown posts show the error page", T, async () => {
    const post = await seedOne({ author: "edge_dev", text: "Quiet post", metrics: { replies: 0, reposts: 0, likes: 0, bookmarks: 0, views: 0 } });
    const page = await newPage();
    await page.goto(`${sb.url}/i/status/${post.id}`);
    await expect(articleOf(page, "edge_dev", post.id).getByTestId("like").getAttribute("aria-label")).resolves.toBe("Like");
    const child = await seedOne({ author: "pg_guru", text: "Replying to a soon-deleted post", inReplyTo: post.id });
    expect((await admin("DELETE", `posts/${post.id}`)).status).toBe(200);
    await page.goto(`${sb.url}/i/status/${post.id}`);
    await expect(page.getByTestId("error-detail").innerText()).resolves.toContain(NOT_FOUND_TEXT);
    await page.goto(`${sb.url}/i/status/${child.id}`);
    await expect(page.getByTestId("tombstone").innerText()).resolves.toBe(TOMBSTONE_TEXT);
    await expect(page.getByTestId("tombstone").innerText()).resolves.toContain("This Post was deleted by the Post author.");
    await page.goto(`${sb.url}/i/status/1234567890123456789`);
    await expect(page.getByTestId("error-detail").count()).resolves.toBe(1);
    expect((await recorded()).find((p) => p.id === post.id)?.deleted).toBe(true);
  });

  it("profile: followers links with the count in a span, own posts newest first, replies to others hidden, self-threads kept", T, async () => {
    await admin("POST", "seed", { followers: 4321 });
    const older = await seedOne({ text: "Older post", metrics: { likes: 0, reposts: 0 } });
    await seedOne({ text: "A self-reply, shown under its post", inReplyTo: older.id, metrics: { likes: 0, reposts: 0 } });
    const theirs = await seedOne({ author: "pg_guru", text: "Someone else's post", metrics: { likes: 0, reposts: 0 } });
    await seedOne({ text: "A reply to someone else, hidden from the profile", inReplyTo: theirs.id, metrics: { likes: 0, reposts: 0 } });
    await seedOne({ text: "Newer post", metrics: { likes: 0, reposts: 0 } });
    const page = await newPage();
    await page.goto(`${sb.url}/${USER}`);
    const followers = page.locator(`a[href="/${USER}/followers"]`);
    await expect(followers.innerText()).resolves.toBe("4,321 Followers");
    await expect(followers.locator("span span").first().innerText()).resolves.toBe("4,321");
    await expect(page.locator(`a[href="/${USER}/verified_followers"]`).count()).resolves.toBe(1);
    const texts = page.locator('article[data-testid="tweet"] [data-testid="tweetText"]');
    await texts.first().waitFor();
    await expect(texts.allInnerTexts()).resolves.toEqual(["Newer post", "Older post", "A self-reply, shown under its post"]);
  });

  it("mentions page lists other users' posts that mention the user", T, async () => {
    await admin("POST", "seed", { mentions: [{ author: "curious_cat", text: "how do you deploy?" }] });
    const page = await newPage();
    await page.goto(`${sb.url}/notifications/mentions`);
    await page.locator('article[data-testid="tweet"]').first().waitFor();
    const texts = await page.locator('article[data-testid="tweet"] [data-testid="tweetText"]').allInnerTexts();
    expect(texts).toContain(`@${USER} how do you deploy?`);
    await expect(page.locator('article[data-testid="tweet"] a[href="/curious_cat"]').count()).resolves.toBeGreaterThan(0);
  });
});

describe("faults", () => {
  async function setFault(fault: Fault): Promise<void> {
    expect((await admin("POST", "fault", fault)).status).toBe(200);
  }

  it("login_wall and challenge replace pages, and count clears the fault", T, async () => {
    const page = await newPage();
    await setFault({ kind: "login_wall", count: 1 });
    await page.goto(`${sb.url}/home`);
    await expect(page.getByTestId("loginButton").count()).resolves.toBe(1);
    await page.goto(`${sb.url}/home`);
    await expect(page.getByTestId("SideNav_AccountSwitcher_Button").count()).resolves.toBe(1);
    await setFault({ kind: "challenge" });
    await page.goto(`${sb.url}/home`);
    await expect(page.locator("#arkose_iframe").count()).resolves.toBe(1);
    await expect(page.getByTestId("challenge").innerText()).resolves.toContain(CHALLENGE_TEXT);
    await expect(page.getByTestId("tweetTextarea_0").count()).resolves.toBe(0);
    expect((await admin("DELETE", "fault")).status).toBe(200);
    await page.goto(`${sb.url}/home`);
    await expect(page.getByTestId("tweetTextarea_0").count()).resolves.toBe(1);
  });

  it("automated_226 and rate_limit_429 fail CreateTweet, show a toast and record nothing", T, async () => {
    const page = await newPage();
    await setFault({ kind: "automated_226", count: 1 });
    const r226 = await postFromHome(page, "first attempt");
    expect(r226.status()).toBe(200);
    expect(await r226.json()).toMatchObject({ errors: [{ code: 226, message: AUTOMATED_226_MESSAGE }] });
    await expect(page.getByTestId("toast").innerText()).resolves.toContain("looks like it might be automated");
    await setFault({ kind: "rate_limit_429" });
    const r429 = await postFromHome(page, "second attempt");
    expect(r429.status()).toBe(429);
    await expect(page.getByTestId("toast").innerText()).resolves.toContain("Rate limit exceeded");
    expect((await recorded()).filter((p) => p.author === USER)).toEqual([]);
  });

  it("slow delays pages; composer_disabled keeps the post button disabled", T, async () => {
    const page = await newPage();
    await setFault({ kind: "slow", ms: 1200, count: 1 });
    const started = Date.now();
    await page.goto(`${sb.url}/home`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1150);
    await setFault({ kind: "composer_disabled" });
    await page.goto(`${sb.url}/home`);
    await page.getByTestId("tweetTextarea_0").fill("cannot be posted");
    const button = page.getByTestId("tweetButtonInline");
    await expect(button.getAttribute("aria-disabled")).resolves.toBe("true");
    await button.click({ force: true });
    await page.waitForTimeout(300);
    expect((await recorded()).some((p) => p.text === "cannot be posted")).toBe(false);
  });

  it("post_without_response records the post but never answers", T, async () => {
    const page = await newPage();
    await setFault({ kind: "post_without_response", count: 1 });
    let answered = false;
    page.on("requestfinished", (r) => {
      if (r.url().includes("/CreateTweet")) answered = true;
    });
    await page.goto(`${sb.url}/home`);
    await page.getByTestId("tweetTextarea_0").fill("ghost in the making");
    await page.getByTestId("tweetButtonInline").click();
    await expect.poll(async () => (await recorded()).some((p) => p.text === "ghost in the making"), { timeout: 5000 }).toBe(true);
    await page.waitForTimeout(1000);
    expect(answered).toBe(false);
    await expect(page.getByTestId("toast").count()).resolves.toBe(0);
  });
});

describe("DOM variant b", () => {
  it("keeps test ids while changing tags, wrappers and the composer", T, async () => {
    const page = await newPage();
    await page.goto(`${sb.url}/home?variant=b`);
    await expect(page.getByTestId("tweetTextarea_0").count()).resolves.toBe(0);
    await page.keyboard.press("n");
    const dialog = page.locator('div[role="dialog"]');
    await dialog.getByTestId("tweetTextarea_0").fill("Posted from variant b");
    const button = dialog.getByTestId("tweetButton");
    await expect(button.evaluate((e) => e.tagName)).resolves.toBe("BUTTON");
    const response = createTweetResponse(page);
    await button.click();
    const id = restId(await (await response).json());
    expect((await admin("POST", "variant", { variant: "b" })).status).toBe(200);
    await page.goto(`${sb.url}/i/status/${id}`);
    const art = articleOf(page, USER, id);
    await expect(art.getByTestId("like").evaluate((e) => e.tagName)).resolves.toBe("BUTTON");
    await expect(art.getByTestId("like").getAttribute("aria-label")).resolves.toMatch(/^(\d+ Likes?\. )?Like$/);
    await expect(page.getByTestId("tweetButtonInline").count()).resolves.toBe(0);
    await expect(page.getByTestId("tweetButton").count()).resolves.toBe(1);
    const depth = () =>
      art.getByTestId("tweetText").evaluate((e) => {
        let n = 0;
        for (let p = e.parentElement; p && p.tagName !== "ARTICLE"; p = p.parentElement) n++;
        return n;
      });
    const depthB = await depth();
    await page.goto(`${sb.url}/i/status/${id}?variant=a`);
    expect(await depth()).toBeLessThan(depthB);
    await expect(art.getByTestId("like").evaluate((e) => e.tagName)).resolves.toBe("DIV");
  });
});

describe("engagement model", () => {
  it("metrics and followers grow with the sandbox clock, topics and hours differ", T, async () => {
    const t0 = Date.UTC(2025, 4, 6, 19, 0, 0);
    sb.setNow(t0);
    const page = await newPage();
    const id = restId(await (await postFromHome(page, "Shipping an AI agent with a tiny LLM prompt")).json());
    const at = (ms: number) => {
      sb.setNow(ms);
      return sb.posts().find((p) => p.id === id)?.metrics;
    };
    expect(at(t0)).toMatchObject({ likes: 0, views: 0 });
    await page.goto(`${sb.url}/${USER}`);
    const followers0 = Number((await page.locator(`a[href="/${USER}/followers"] span span`).first().innerText()).replace(/,/g, ""));
    const m2h = at(t0 + 2 * 3600_000);
    const m24h = at(t0 + 24 * 3600_000);
    expect(m2h?.likes).toBeGreaterThan(0);
    expect(m24h?.likes).toBeGreaterThan(m2h?.likes ?? Infinity);
    expect(m24h?.views).toBeGreaterThan((m24h?.likes ?? 0) * 10);
    await page.goto(`${sb.url}/i/status/${id}`);
    const label = await articleOf(page, USER, id).getByTestId("like").getAttribute("aria-label");
    expect(Number(/^(\d+) Likes?\./.exec(label ?? "")?.[1])).toBe(m24h?.likes);
    await page.goto(`${sb.url}/${USER}`);
    const followers1 = Number((await page.locator(`a[href="/${USER}/followers"] span span`).first().innerText()).replace(/,/g, ""));
    expect(followers1).toBeGreaterThan(followers0);
    const seeded = (
      await admin<{ posts: SandboxPost[] }>("POST", "seed", {
        posts: [
          { text: "Serverless cold start notes", createdAtMs: t0 },
          { text: "An AI model prompt trick", createdAtMs: t0 + 8 * 3600_000 },
          { text: "Another AI agent trick", createdAtMs: t0 },
        ],
      })
    ).json.posts;
    sb.setNow(t0 + 72 * 3600_000);
    const final = (p?: SandboxPost) => sb.posts().find((q) => q.id === p?.id)?.metrics.likes ?? NaN;
    expect(seeded.map((p) => p.topic)).toEqual(["serverless", "ai", "ai"]);
    expect(final(seeded[2])).toBeGreaterThan(final(seeded[0]) * 2);
    expect(final(seeded[2])).toBeGreaterThan(final(seeded[1]));
  });
});
