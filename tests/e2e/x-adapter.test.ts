/**
 * The X site adapter (lib/x) driven by the REAL bundled Chromium against the sandbox x.com:
 * posting (single, thread, reply, dry run, id fallbacks), every fault's typed error, session
 * checks and the shifted DOM variant "b". The readers have their own file (x-readers.test.ts).
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useSandboxBrowser } from "../support/sandbox-browser.js";
import type { Sandbox, SandboxPost } from "../../lib/dev/sandbox/index.js";
import { XbotError } from "../../lib/errors.js";
import { checkSession, postSingle, postThread, readMetrics, recentTimeline, reply, type XSite } from "../../lib/x/index.js";

const T = { timeout: 30_000 };
let sb: Sandbox;

function site(over: Partial<XSite> = {}): XSite {
  return { baseUrl: sb.url, user: sb.user, typing: "fill", waitMs: 5_000, ...over };
}

/** A fresh page in the one shared context (closing a context kills the --single-process browser). */
const newPage = (auth = true): Promise<Page> => fixture.newPage(auth);

async function caught(p: Promise<unknown>): Promise<XbotError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof XbotError) return e;
    throw e;
  }
  throw new Error("expected an XbotError, got success");
}

const post = (id: string | undefined): SandboxPost | undefined => sb.posts().find((p) => p.id === id);
const mine = (): SandboxPost[] => sb.posts().filter((p) => p.author === sb.user);

function seedOne(input: { author?: string; text: string; createdAtMs?: number; inReplyTo?: string; metrics?: Partial<SandboxPost["metrics"]> }): SandboxPost {
  const [created] = sb.seed({ posts: [input] });
  if (!created) throw new Error("seed created nothing");
  return created;
}

const fixture = useSandboxBrowser();
beforeAll(() => {
  sb = fixture.sandbox;
});

describe("posting", () => {
  it("posts a single: the id comes from CreateTweet and is the recorded post", T, async () => {
    const r = await postSingle(await newPage(), site(), "Typed generics make refactors boring, in a good way");
    expect(r.source).toBe("graphql");
    expect(r.tweetIds).toHaveLength(1);
    expect(post(r.tweetIds[0])).toMatchObject({ text: "Typed generics make refactors boring, in a good way", author: sb.user, inReplyTo: null });
    expect(mine()).toHaveLength(1);
  });

  it("types like a human: one character at a time with delays", T, async () => {
    const text = "typed by a human hand";
    const started = Date.now();
    const r = await postSingle(await newPage(), site({ typing: "human" }), text);
    expect(Date.now() - started).toBeGreaterThanOrEqual(text.length * 35);
    expect(post(r.tweetIds[0])?.text).toBe(text);
  });

  it("posts a thread: one id per tweet, in order, each replying to the previous", T, async () => {
    const texts = ["Thread 1/3: postgres vacuum", "Thread 2/3: autovacuum settings", "Thread 3/3: monitor bloat"];
    const r = await postThread(await newPage(), site(), texts);
    expect(r.source).toBe("graphql");
    const posts = r.tweetIds.map(post);
    expect(posts.map((p) => p?.text)).toEqual(texts);
    expect(posts.map((p) => p?.inReplyTo)).toEqual([null, r.tweetIds[0], r.tweetIds[1]]);
    expect(mine()).toHaveLength(3);
  });

  it("replies through the reply dialog", T, async () => {
    const target = seedOne({ author: "pg_guru", text: "Which Postgres extension do you use most?" });
    const r = await reply(await newPage(), site(), target.id, "pg_stat_statements, every day");
    expect(r.source).toBe("graphql");
    expect(r.tweetIds[0]).not.toBe(target.id);
    expect(post(r.tweetIds[0])).toMatchObject({ text: "pg_stat_statements, every day", inReplyTo: target.id, author: sb.user });
  });

  it("dryRun types everything, leaves the post button enabled and posts nothing", T, async () => {
    const target = seedOne({ author: "pg_guru", text: "Dry run target" });
    const page = await newPage();
    expect(await postSingle(page, site(), "dry single", { dryRun: true })).toEqual({ tweetIds: [], source: "dry" });
    await expect(page.getByTestId("tweetTextarea_0").innerText()).resolves.toBe("dry single");
    await expect(page.locator('[data-testid="tweetButtonInline"]:not([aria-disabled="true"])').count()).resolves.toBe(1);
    expect(await postThread(page, site(), ["dry 1", "dry 2"], { dryRun: true })).toEqual({ tweetIds: [], source: "dry" });
    await expect(page.locator('div[role="dialog"] [data-testid="tweetTextarea_1"]').innerText()).resolves.toBe("dry 2");
    expect(await reply(page, site(), target.id, "dry reply", { dryRun: true })).toEqual({ tweetIds: [], source: "dry" });
    await expect(page.locator('div[role="dialog"] [data-testid="tweetTextarea_0"]').innerText()).resolves.toBe("dry reply");
    expect(mine()).toEqual([]);
  });

  it("an aborted signal stops before anything is posted", T, async () => {
    const e = await caught(postSingle(await newPage(), site(), "never sent", { signal: AbortSignal.abort() }));
    expect(e.code).toBe("deadline");
    expect(e.details?.posted).toBe(false);
    expect(mine()).toEqual([]);
  });

  it("a duplicate text is a validation error with duplicate: true, posted once", T, async () => {
    const page = await newPage();
    await postSingle(page, site(), "Exactly the same words twice");
    const e = await caught(postSingle(page, site(), "Exactly the same words twice"));
    expect(e.code).toBe("validation");
    expect(e.details).toMatchObject({ duplicate: true, posted: false });
    expect(mine()).toHaveLength(1);
  });
});

describe("id fallbacks", () => {
  it("unreadable CreateTweet body → the profile timeline's newest matching tweet", T, async () => {
    const page = await newPage();
    await page.route("**/CreateTweet", async (route) => route.fulfill({ response: await route.fetch(), body: "<garbled>" }));
    const r = await postSingle(page, site(), "Fallback through the timeline", { fallbackWaitMs: 800 });
    expect(r.source).toBe("timeline");
    expect(r.tweetIds).toEqual(mine().map((p) => p.id));
  });

  it("unreadable reply answer → our reply found in the conversation, never the target", T, async () => {
    const target = seedOne({ author: "edge_dev", text: "Reply fallback target" });
    const page = await newPage();
    await page.route("**/CreateTweet", async (route) => route.fulfill({ response: await route.fetch(), body: "" }));
    const r = await reply(page, site(), target.id, "A reply found by the fallback", { fallbackWaitMs: 800 });
    expect(r.source).toBe("timeline");
    expect(post(r.tweetIds[0])).toMatchObject({ inReplyTo: target.id, text: "A reply found by the fallback" });
  });

  it("a late answer → the toast's View link", T, async () => {
    const page = await newPage();
    await page.route("**/CreateTweet", async (route) => {
      const response = await route.fetch();
      await new Promise((r) => setTimeout(r, 1_500));
      await route.fulfill({ response });
    });
    const r = await postSingle(page, site(), "Fallback through the toast", { responseTimeoutMs: 400, fallbackWaitMs: 5_000 });
    expect(r.source).toBe("toast");
    expect(r.tweetIds).toEqual(mine().map((p) => p.id));
  });
});

describe("faults become typed errors", () => {
  it("login_wall → session_expired", T, async () => {
    sb.setFault({ kind: "login_wall", count: 1 });
    const e = await caught(postSingle(await newPage(), site(), "blocked by the login wall"));
    expect(e.code).toBe("session_expired");
    expect(e.message).toBe("session expired: import a new one");
    expect(mine()).toEqual([]);
  });

  it("challenge → x_challenge", T, async () => {
    sb.setFault({ kind: "challenge" });
    const e = await caught(postSingle(await newPage(), site(), "blocked by a challenge"));
    expect(e.code).toBe("x_challenge");
  });

  it("automated_226 → x_automated, not posted", T, async () => {
    sb.setFault({ kind: "automated_226", count: 1 });
    const e = await caught(postSingle(await newPage(), site(), "looks automated"));
    expect(e.code).toBe("x_automated");
    expect(e.details?.posted).toBe(false);
    expect(mine()).toEqual([]);
  });

  it("rate_limit_429 → x_rate_limited", T, async () => {
    sb.setFault({ kind: "rate_limit_429" });
    const e = await caught(postSingle(await newPage(), site(), "too many posts"));
    expect(e.code).toBe("x_rate_limited");
    expect(e.details?.posted).toBe(false);
  });

  it("composer_disabled → x_composer_disabled, nothing clicked", T, async () => {
    sb.setFault({ kind: "composer_disabled" });
    const e = await caught(postSingle(await newPage(), site(), "cannot be posted"));
    expect(e.code).toBe("x_composer_disabled");
    expect(mine()).toEqual([]);
  });

  it("post_without_response → page_timeout with posted: unknown (and it WAS posted)", T, async () => {
    sb.setFault({ kind: "post_without_response", count: 1 });
    const started = Date.now();
    const e = await caught(postSingle(await newPage(), site(), "ghost in the making", { responseTimeoutMs: 1_000, fallbackWaitMs: 500 }));
    expect(e.code).toBe("page_timeout");
    expect(e.details).toMatchObject({ posted: "unknown", tweetIds: [] });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(mine().map((p) => p.text)).toEqual(["ghost in the making"]);
  });

  it("a thread failing at tweet 2 reports the tweet already posted", T, async () => {
    const page = await newPage();
    let calls = 0;
    await page.route("**/CreateTweet", async (route) => {
      calls += 1;
      if (calls === 1) return route.continue();
      return route.fulfill({ status: 200, json: { errors: [{ code: 226, message: "automated" }], data: {} } });
    });
    const e = await caught(postThread(page, site(), ["partial 1/2", "partial 2/2"]));
    expect(e.code).toBe("x_automated");
    expect(e.details).toMatchObject({ posted: "partial", tweetIds: mine().map((p) => p.id) });
    expect(mine()).toHaveLength(1);
  });

  it("replying to a deleted or unknown tweet → x_tweet_deleted", T, async () => {
    const target = seedOne({ author: "pg_guru", text: "soon gone" });
    expect((await fetch(`${sb.url}/__sandbox/posts/${target.id}`, { method: "DELETE", headers: { "x-sandbox-token": sb.adminToken } })).status).toBe(200);
    const page = await newPage();
    expect((await caught(reply(page, site(), target.id, "too late"))).code).toBe("x_tweet_deleted");
    expect((await caught(reply(page, site(), "1234567890123456789", "nobody"))).code).toBe("x_tweet_deleted");
    expect(mine()).toEqual([]);
  });
});

describe("session", () => {
  it("checkSession: logged in as our user; expired without cookies; challenge is not 'expired'", T, async () => {
    expect(await checkSession(await newPage(), site())).toEqual({ loggedIn: true, user: sb.user });
    const expired = await caught(checkSession(await newPage(false), site()));
    expect(expired.code).toBe("session_expired");
    sb.setFault({ kind: "challenge", count: 1 });
    expect((await caught(checkSession(await newPage(), site()))).code).toBe("x_challenge");
  });
});

describe("DOM variant b", () => {
  it("posts (via the n shortcut), threads, replies and reads with tags and wrappers shifted", T, async () => {
    sb.setVariant("b");
    const page = await newPage();
    const single = await postSingle(page, site(), "Variant b single post");
    expect(single.source).toBe("graphql");
    expect(post(single.tweetIds[0])?.text).toBe("Variant b single post");
    const thread = await postThread(page, site(), ["Variant b 1/2", "Variant b 2/2"]);
    expect(thread.tweetIds.map((id) => post(id)?.inReplyTo)).toEqual([null, thread.tweetIds[0]]);
    const target = seedOne({ author: "pg_guru", text: "Variant b target", metrics: { likes: 8467, views: 7154, replies: 3, reposts: 12, bookmarks: 1 } });
    const r = await reply(page, site(), target.id, "Variant b reply");
    expect(post(r.tweetIds[0])).toMatchObject({ inReplyTo: target.id, author: sb.user });
    const m = await readMetrics(page, site(), target.id);
    const { likes, replies, reposts, bookmarks, views } = post(target.id)!.metrics;
    expect(m).toMatchObject({ likes, replies, reposts, bookmarks, views, approximate: [] });
    const timeline = await recentTimeline(page, site(), sb.user, { max: 5 });
    // The profile shows a self-thread under its root, as x.com does; newest first.
    expect(timeline.tweets.map((t) => t.id)).toEqual([thread.tweetIds[1], thread.tweetIds[0], single.tweetIds[0]]);
  });
});
