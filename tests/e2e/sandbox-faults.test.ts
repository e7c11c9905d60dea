/**
 * The sandbox's newer faults and `skip`: timeline_error (429 + Retry), suspended, restricted
 * (caution interstitial), vanishing_post, graphql_down (drifted read answers the page still
 * renders), login_wall on reads, and which requests a fault counts (faults.ts scopes).
 */
import type { Page, Response } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  LOCKED_326_MESSAGE,
  NOT_FOUND_TEXT,
  RESTRICTED_HEADING,
  RESTRICTED_TEXT,
  SUSPENDED_64_MESSAGE,
  SUSPENDED_HEADING,
  SUSPENDED_TEXT,
  TIMELINE_ERROR_TEXT,
  type Fault,
  type Sandbox,
} from "../../lib/dev/sandbox/index.js";
import { useSandboxBrowser } from "../support/sandbox-browser.js";
import { admin, entriesOf, gql, gqlPost, seedPosts, userTweetsInstructions } from "../support/sandbox-api.js";

const T = { timeout: 60_000 };
const USER = "xbot_sandbox";
const USER_ID = "1790000000000000001";
let sb: Sandbox;

const fixture = useSandboxBrowser();
beforeAll(() => {
  sb = fixture.sandbox;
});

const newPage = (): Promise<Page> => fixture.newPage();

async function setFault(fault: Fault): Promise<void> {
  expect((await admin(sb, "POST", "fault", fault)).status).toBe(200);
}

function responseOf(page: Page, op: string): Promise<Response> {
  return page.waitForResponse((r) => new URL(r.url()).pathname.endsWith(`/${op}`));
}

async function postFromHome(page: Page, text: string): Promise<Response> {
  await page.goto(`${sb.url}/home`);
  await page.getByTestId("tweetTextarea_0").fill(text);
  const response = responseOf(page, "CreateTweet");
  await page.locator('[data-testid="tweetButtonInline"]:not([aria-disabled="true"])').click();
  return response;
}

const ALL_READS: [string, Record<string, unknown>][] = [
  ["UserTweets", { userId: USER_ID }],
  ["TweetDetail", { focalTweetId: "1234567890123456789" }],
  ["NotificationsTimeline", { timeline_type: "Mentions" }],
  ["HomeTimeline", {}],
];

describe("timeline_error", () => {
  it("timeline reads answer 429 code 88; the shell load does not count; UserByScreenName is not a timeline", T, async () => {
    await setFault({ kind: "timeline_error", count: 4 });
    const cookie = sb
      .storageState()
      .cookies.map((c) => `${c.name}=${c.value}`)
      .join("; ");
    expect((await fetch(`${sb.url}/home`, { headers: { cookie } })).status).toBe(200);
    expect((await gql(sb, "UserByScreenName", { screen_name: USER })).status).toBe(200);
    for (const [op, vars] of ALL_READS) {
      expect(await gql(sb, op, vars)).toMatchObject({ status: 429, json: { errors: [{ code: 88, message: "Rate limit exceeded." }] } });
    }
    expect((await admin(sb, "GET", "fault")).json.fault).toBeNull();
    expect((await gql(sb, "HomeTimeline", {})).status).toBe(200);
  });

  it("the profile shows x.com's throttled state with Retry, which re-fetches once the fault is used up", T, async () => {
    await setFault({ kind: "timeline_error", count: 1 });
    const page = await newPage();
    const first = responseOf(page, "UserTweets");
    await page.goto(`${sb.url}/pg_guru`);
    expect((await first).status()).toBe(429);
    const column = page.getByTestId("primaryColumn");
    await expect(column.getByText(TIMELINE_ERROR_TEXT).count()).resolves.toBe(1);
    await expect(page.locator('a[href="/pg_guru/followers"]').count()).resolves.toBe(1);
    await expect(page.locator('article[data-testid="tweet"]').count()).resolves.toBe(0);
    const retry = column.getByRole("button", { name: "Retry" });
    await expect(retry.evaluate((e) => `${e.tagName}:${e.textContent}`)).resolves.toBe("DIV:Retry");
    const again = responseOf(page, "UserTweets");
    await retry.click();
    expect((await again).status()).toBe(200);
    await expect(page.locator('article[data-testid="tweet"] [data-testid="tweetText"]').innerText()).resolves.toBe("Partial indexes in Postgres are underrated.");
    await expect(column.getByText(TIMELINE_ERROR_TEXT).count()).resolves.toBe(0);
  });

  it("status and mentions pages show the same state", T, async () => {
    const [p] = await seedPosts(sb, [{ author: "pg_guru", text: "Throttled status" }]);
    await setFault({ kind: "timeline_error", count: 2 });
    const page = await newPage();
    for (const path of [`/i/status/${p?.id}`, "/notifications/mentions"]) {
      await page.goto(sb.url + path);
      await expect(page.getByText(TIMELINE_ERROR_TEXT).innerText()).resolves.toBe(TIMELINE_ERROR_TEXT);
      await expect(page.getByTestId("error-detail").count()).resolves.toBe(0);
    }
  });
});

describe("suspended", () => {
  it("UserUnavailable answers, 'Account suspended' on the profile, error 64 on CreateTweet; others unaffected", T, async () => {
    await setFault({ kind: "suspended" });
    expect((await gql(sb, "UserByScreenName", { screen_name: USER })).json).toEqual({
      data: { user: { result: { __typename: "UserUnavailable", reason: "Suspended", message: "User is suspended" } } },
    });
    expect((await gql(sb, "UserTweets", { userId: USER_ID })).json).toEqual({ data: { user: { result: { __typename: "UserUnavailable", reason: "Suspended" } } } });
    expect((await gql(sb, "UserByScreenName", { screen_name: "pg_guru" })).json.data.user.result.__typename).toBe("User");
    const page = await newPage();
    await page.goto(`${sb.url}/${USER}`);
    const empty = page.getByTestId("emptyState");
    await expect(empty.getByRole("heading").innerText()).resolves.toBe(SUSPENDED_HEADING);
    await expect(empty.innerText()).resolves.toContain(SUSPENDED_TEXT);
    await expect(page.locator(`a[href="/${USER}/followers"]`).count()).resolves.toBe(0);
    const r = await postFromHome(page, "posting while suspended");
    expect(r.status()).toBe(200);
    expect(await r.json()).toEqual({ errors: [{ code: 64, message: SUSPENDED_64_MESSAGE }] });
    await expect(page.getByTestId("toast").innerText()).resolves.toContain("suspended");
    expect((await gqlPost(sb, "CreateNoteTweet", { tweet_text: "note while suspended" })).json.errors[0].code).toBe(64);
    expect(sb.posts().some((p) => p.author === USER)).toBe(false);
  });
});

describe("restricted", () => {
  it("interstitial type 'timeout', the caution interstitial before any UserTweets, error 326 on CreateTweet", T, async () => {
    await setFault({ kind: "restricted" });
    const user = (await gql(sb, "UserByScreenName", { screen_name: USER })).json.data.user.result;
    expect(user.profile_metadata).toEqual({ profile_interstitial_type: "timeout" });
    const old = (await gql(sb, "UserByScreenName", { screen_name: USER }, { referer: `${sb.url}/home?variant=b` })).json.data.user.result;
    expect(old.legacy.profile_interstitial_type).toBe("timeout");
    await seedPosts(sb, [{ text: "Behind the interstitial" }]);
    const page = await newPage();
    let tweetsFetched = 0;
    page.on("request", (r) => {
      if (r.url().includes("/UserTweets")) tweetsFetched++;
    });
    await page.goto(`${sb.url}/${USER}`);
    const gate = page.getByTestId("emptyState");
    await expect(gate.getByRole("heading").innerText()).resolves.toBe(RESTRICTED_HEADING);
    await expect(gate.innerText()).resolves.toContain(RESTRICTED_TEXT);
    await page.waitForTimeout(300);
    expect(tweetsFetched).toBe(0);
    await expect(page.locator('article[data-testid="tweet"]').count()).resolves.toBe(0);
    await gate.getByRole("button", { name: "Yes, view profile" }).click();
    await expect(page.locator('article[data-testid="tweet"] [data-testid="tweetText"]').innerText()).resolves.toBe("Behind the interstitial");
    expect(tweetsFetched).toBe(1);
    const r = await postFromHome(page, "posting while locked");
    expect(await r.json()).toEqual({ errors: [{ code: 326, message: LOCKED_326_MESSAGE }] });
  });
});

describe("vanishing_post", () => {
  it("CreateTweet answers with an id, but the post shows nowhere; the admin API flags it vanished", T, async () => {
    await setFault({ kind: "vanishing_post", count: 1 });
    const page = await newPage();
    const r = await postFromHome(page, "Now you see me");
    const id = (await r.json()).data.create_tweet.tweet_results.result.rest_id as string;
    expect(id).toMatch(/^\d{19}$/);
    await expect(page.locator(`[data-testid="toast"] a[href="/${USER}/status/${id}"]`).count()).resolves.toBe(1);
    expect(sb.posts().find((p) => p.id === id)).toMatchObject({ text: "Now you see me", vanished: true, deleted: false });
    expect((await gql(sb, "TweetDetail", { focalTweetId: id })).json.errors[0].code).toBe(144);
    const timelines = [
      entriesOf(userTweetsInstructions((await gql(sb, "UserTweets", { userId: USER_ID })).json)),
      entriesOf((await gql(sb, "HomeTimeline", {})).json.data.home.home_timeline_urt.instructions),
    ];
    for (const entries of timelines) expect(JSON.stringify(entries)).not.toContain(id);
    expect((await gql(sb, "UserByScreenName", { screen_name: USER })).json.data.user.result.tweet_counts.tweets).toBe(0);
    await page.goto(`${sb.url}/i/status/${id}`);
    await expect(page.getByTestId("error-detail").innerText()).resolves.toContain(NOT_FOUND_TEXT);
    expect(await gqlPost(sb, "CreateTweet", { tweet_text: "replying to a ghost", reply: { in_reply_to_tweet_id: id } })).toMatchObject({ json: { errors: [{ code: 385 }] } });
    const next = (await gqlPost(sb, "CreateTweet", { tweet_text: "This one stays" })).json.data.create_tweet.tweet_results.result.rest_id;
    expect(sb.posts().find((p) => p.id === next)?.vanished).toBe(false);
  });
});

describe("graphql_down", () => {
  it("read answers drift (a reader of the known shapes finds nothing) while the page still renders", T, async () => {
    const [p] = await seedPosts(sb, [{ text: "Rendered from a drifted answer", metrics: { likes: 12, replies: 0, reposts: 0, bookmarks: 0, views: 99 } }]);
    await setFault({ kind: "graphql_down" });
    const u = (await gql(sb, "UserByScreenName", { screen_name: USER })).json;
    expect(u.data.user).not.toHaveProperty("result");
    expect(u.data.user.result_v2).toMatchObject({ __typename: "User", core: { screen_name: USER } });
    const body = JSON.stringify((await gql(sb, "UserTweets", { userId: USER_ID })).json);
    expect(body).toContain('"tweet_results_v2"');
    expect(body).toContain('"legacy_v3"');
    expect(body).toContain('"user_results_v2"');
    expect(body).not.toMatch(/"(tweet_results|user_results|legacy)"/);
    const page = await newPage();
    await page.goto(`${sb.url}/${USER}`);
    const art = page.locator('article[data-testid="tweet"]').filter({ has: page.locator(`a[href="/${USER}/status/${p?.id}"] time`) });
    await expect(art.getByTestId("tweetText").innerText()).resolves.toBe("Rendered from a drifted answer");
    await expect(art.locator('div[role="group"]').getAttribute("aria-label")).resolves.toBe("12 likes, 99 views");
    await expect(page.locator(`a[href="/${USER}/followers"]`).innerText()).resolves.toMatch(/^[\d,]+ Followers$/);
    await page.goto(`${sb.url}/i/status/${p?.id}`);
    await expect(art.getByTestId("like").getAttribute("aria-label")).resolves.toBe("12 Likes. Like");
    const r = await postFromHome(page, "Writes are not drifted");
    expect((await r.json()).data.create_tweet.tweet_results.result.rest_id).toMatch(/^\d{19}$/);
  });
});

describe("skip and scopes", () => {
  it("post_without_response with skip 1 holds only the 2nd tweet of a thread", T, async () => {
    await setFault({ kind: "post_without_response", skip: 1, count: 1 });
    const page = await newPage();
    await page.goto(`${sb.url}/compose/tweet`);
    const dialog = page.locator('div[role="dialog"]');
    await dialog.getByTestId("tweetTextarea_0").fill("Skip 1/2");
    await dialog.getByTestId("addButton").click();
    await dialog.getByTestId("tweetTextarea_1").fill("Skip 2/2");
    const statuses: number[] = [];
    page.on("requestfinished", async (req) => {
      if (req.url().includes("/CreateTweet")) statuses.push((await req.response())?.status() ?? 0);
    });
    await dialog.getByTestId("tweetButton").click();
    await expect.poll(() => sb.posts().filter((p) => p.text.startsWith("Skip ")).length, { timeout: 5000 }).toBe(2);
    await page.waitForTimeout(800);
    expect(statuses).toEqual([200]);
    await expect(page.getByTestId("toast").count()).resolves.toBe(0);
    const [first, second] = sb.posts().filter((p) => p.text.startsWith("Skip "));
    expect(second?.inReplyTo).toBe(first?.id);
    expect((await admin(sb, "GET", "fault")).json.fault).toBeNull();
  });

  it("skip lets matching requests through, then count applies; other scopes do not count", T, async () => {
    await setFault({ kind: "automated_226", skip: 1, count: 1 });
    expect((await gql(sb, "HomeTimeline", {})).status).toBe(200);
    expect((await gqlPost(sb, "CreateTweet", { tweet_text: "first goes through" })).json.data.create_tweet).toBeDefined();
    expect((await gqlPost(sb, "CreateTweet", { tweet_text: "second is refused" })).json.errors[0].code).toBe(226);
    expect((await gqlPost(sb, "CreateTweet", { tweet_text: "third goes through" })).json.data.create_tweet).toBeDefined();
    expect((await admin(sb, "POST", "fault", { kind: "slow", skip: -1 })).status).toBe(400);
  });

  it("login_wall makes GraphQL reads 401 code 32 too", T, async () => {
    await setFault({ kind: "login_wall", count: 2 });
    expect(await gql(sb, "UserByScreenName", { screen_name: USER })).toMatchObject({ status: 401, json: { errors: [{ code: 32, message: "Could not authenticate you." }] } });
    expect((await gql(sb, "HomeTimeline", {})).status).toBe(401);
    expect((await gql(sb, "HomeTimeline", {})).status).toBe(200);
  });
});
