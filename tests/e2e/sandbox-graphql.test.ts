/**
 * The sandbox's GraphQL operations in x.com's shapes (lib/dev/sandbox/gql): auth, UserByScreenName
 * (2026 and 2024), UserTweets (pin, self-thread module, who-to-follow, cursors, pagination,
 * timeline_v2), tweet results (counts = admin metrics, t.co, media, notes, visibility wrapper,
 * pre-2023 views), TweetDetail, NotificationsTimeline, HomeTimeline, CreateNoteTweet and the
 * per-sandbox random query ids the page script uses.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createSandbox, MAX_TWEET_WEIGHT, TOMBSTONE_TEXT, weightedLength, type Sandbox, type SandboxPost } from "../../lib/dev/sandbox/index.js";
import { useSandboxBrowser } from "../support/sandbox-browser.js";
import { admin, entriesOf, gql, gqlPost, seedPosts, tweetIdsOf, unwrap, userTweetsInstructions } from "../support/sandbox-api.js";

const T = { timeout: 60_000 };
const USER = "xbot_sandbox";
const USER_ID = "1790000000000000001";
const HOUR = 3_600_000;
let sb: Sandbox;

const fixture = useSandboxBrowser();
beforeAll(() => {
  sb = fixture.sandbox;
});

function post(id: string): SandboxPost | undefined {
  return sb.posts().find((p) => p.id === id);
}

/** The Tweet (unwrapped) of the entry `tweet-<id>` among entries. */
function tweetIn(entries: any[], id: string): any {
  return unwrap(entries.find((e) => e.entryId === `tweet-${id}`)?.content?.itemContent?.tweet_results?.result);
}

async function userTweets(variables: Record<string, unknown>, referer?: string): Promise<any[]> {
  const { status, json } = await gql(sb, "UserTweets", { userId: USER_ID, count: 20, ...variables }, referer ? { referer } : {});
  expect(status).toBe(200);
  return userTweetsInstructions(json);
}

describe("auth and routing", () => {
  it("reads need the auth_token cookie and x-csrf-token = ct0; unknown operations are 404", T, async () => {
    expect(await gql(sb, "UserByScreenName", { screen_name: USER }, { anonymous: true })).toMatchObject({ status: 401, json: { errors: [{ code: 32 }] } });
    expect(await gql(sb, "UserByScreenName", { screen_name: USER }, { noCsrf: true })).toMatchObject({ status: 403, json: { errors: [{ code: 353 }] } });
    expect(await gql(sb, "SearchTimeline", {})).toMatchObject({ status: 404, json: { errors: [{ code: 34 }] } });
    expect((await gql(sb, "UserTweets", {}, { method: "POST" })).status).toBe(405);
    expect((await gql(sb, "UserByScreenName", { screen_name: USER }, { queryId: "whatever-id_1" })).status).toBe(200);
  });

  it("every instance picks its own random query ids, and the page script uses them", T, async () => {
    const other = await createSandbox();
    try {
      expect(Object.keys(sb.queryIds).sort()).toEqual(["CreateNoteTweet", "CreateTweet", "HomeTimeline", "NotificationsTimeline", "TweetDetail", "UserByScreenName", "UserTweets"]);
      for (const [op, id] of Object.entries(sb.queryIds)) {
        expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(other.queryIds[op]).not.toBe(id);
      }
    } finally {
      await other.close();
    }
    await fixture.context.clearCookies();
    await fixture.context.addCookies(sb.storageState().cookies);
    const page = await fixture.context.newPage();
    const urls: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/i/api/graphql/")) urls.push(new URL(r.url()).pathname);
    });
    await page.goto(`${sb.url}/${USER}`);
    await page.locator('article[data-testid="tweet"], [data-testid="emptyState"]').first().waitFor();
    expect(urls).toContain(`/i/api/graphql/${sb.queryIds.UserByScreenName}/UserByScreenName`);
    expect(urls).toContain(`/i/api/graphql/${sb.queryIds.UserTweets}/UserTweets`);
  });
});

describe("UserByScreenName", () => {
  it("2026 shape (variant a): core, relationship_counts, no legacy; unknown user is data {}", T, async () => {
    await admin(sb, "POST", "seed", { followers: 4321 });
    const { json } = await gql(sb, "UserByScreenName", { screen_name: USER });
    const u = json.data.user.result;
    expect(u).toMatchObject({
      __typename: "User",
      rest_id: USER_ID,
      core: { screen_name: USER, name: "Sandbox Bot" },
      relationship_counts: { followers: 4321, following: 321 },
      profile_metadata: { profile_interstitial_type: "" },
      privacy: { protected: false },
      verification: { verified: false },
      is_blue_verified: false,
    });
    expect(Buffer.from(u.id, "base64").toString()).toBe(`User:${USER_ID}`);
    expect(u.core.created_at).toMatch(/^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} \+0000 \d{4}$/);
    expect(u.tweet_counts.tweets).toBeTypeOf("number");
    expect(u).not.toHaveProperty("legacy");
    expect((await gql(sb, "UserByScreenName", { screen_name: "nobody_here" })).json).toEqual({ data: {} });
  });

  it("2024 shape (variant b, or a page with ?variant=b): legacy counts, no core.screen_name", T, async () => {
    const viaReferer = await gql(sb, "UserByScreenName", { screen_name: USER }, { referer: `${sb.url}/${USER}?variant=b` });
    sb.setVariant("b");
    const viaVariant = await gql(sb, "UserByScreenName", { screen_name: USER });
    for (const { json } of [viaReferer, viaVariant]) {
      const u = json.data.user.result;
      expect(u.legacy).toMatchObject({ screen_name: USER, name: "Sandbox Bot", followers_count: 1234, friends_count: 321, profile_interstitial_type: "" });
      expect(u.legacy.statuses_count).toBeTypeOf("number");
      expect(u).not.toHaveProperty("core");
      expect(u).not.toHaveProperty("relationship_counts");
    }
  });
});

describe("UserTweets", () => {
  it("instructions, pin, tweet items, a self-thread module, who-to-follow and cursors", T, async () => {
    const [pinned, root] = await seedPosts(sb, [
      { text: "Pinned intro post", pinned: true, createdAtMs: Date.now() - 5 * HOUR },
      { text: "Thread 1/2 about indexes", createdAtMs: Date.now() - 3 * HOUR },
    ]);
    const [second] = await seedPosts(sb, [{ text: "Thread 2/2: partial ones", inReplyTo: root?.id, createdAtMs: Date.now() - 2 * HOUR }]);
    const [single] = await seedPosts(sb, [{ text: "A single post", createdAtMs: Date.now() - HOUR }]);
    const instructions = await userTweets({});
    expect(instructions.map((i) => i.type)).toEqual(["TimelineClearCache", "TimelinePinEntry", "TimelineAddEntries"]);
    expect(instructions[1].entry).toMatchObject({
      entryId: `tweet-${pinned?.id}`,
      content: { entryType: "TimelineTimelineItem", itemContent: { socialContext: { contextType: "Pin", text: "Pinned" } } },
    });
    const entries = entriesOf(instructions);
    expect(entries.map((e) => e.entryId.replace(/\d+/g, "N"))).toEqual(["tweet-N", "profile-conversation-N", "who-to-follow-N", "tweet-N", "cursor-top-N", "cursor-bottom-N"]);
    expect(entries[0]).toMatchObject({
      entryId: `tweet-${single?.id}`,
      sortIndex: single?.id,
      content: { entryType: "TimelineTimelineItem", __typename: "TimelineTimelineItem", itemContent: { itemType: "TimelineTweet", __typename: "TimelineTweet", tweetDisplayType: "Tweet" } },
    });
    const module = entries[1];
    expect(module.content).toMatchObject({ entryType: "TimelineTimelineModule", __typename: "TimelineTimelineModule", displayType: "VerticalConversation" });
    expect(module.content.items.map((i: any) => i.entryId)).toEqual([`${module.entryId}-tweet-${root?.id}`, `${module.entryId}-tweet-${second?.id}`]);
    expect(module.entryId).not.toContain(root?.id ?? "none");
    expect(entries[2].content.items.every((i: any) => i.item.itemContent.itemType === "TimelineUser")).toBe(true);
    expect(entries.at(-2).content).toMatchObject({ entryType: "TimelineTimelineCursor", __typename: "TimelineTimelineCursor", cursorType: "Top" });
    expect(entries.at(-1).content).toMatchObject({ cursorType: "Bottom", value: expect.any(String) });
    const metadata = (await gql(sb, "UserTweets", { userId: USER_ID })).json.data.user.result.timeline.timeline.metadata;
    expect(metadata).toEqual({ scribeConfig: { page: "profileBest" } });
  });

  it("paginates newest first with the bottom cursor; past the end only cursors; variant b uses timeline_v2", T, async () => {
    const t0 = Date.now() - 100 * HOUR;
    const seeded = await seedPosts(
      sb,
      Array.from({ length: 25 }, (_, i) => ({ text: `Numbered post ${i}`, createdAtMs: t0 + i * HOUR })),
    );
    const expected = seeded.map((p) => p.id).reverse();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const entries = entriesOf(await userTweets({ count: 10, ...(cursor ? { cursor } : {}) }));
      const ids = tweetIdsOf(entries);
      seen.push(...ids);
      cursor = entries.find((e) => e.content.cursorType === "Bottom")?.content.value;
      expect(entries.filter((e) => e.entryId.startsWith("cursor-")).map((e) => e.content.cursorType)).toEqual(["Top", "Bottom"]);
      if (ids.length === 0) {
        expect(entries.every((e) => e.content.entryType === "TimelineTimelineCursor")).toBe(true);
        break;
      }
    }
    expect(seen).toEqual(expected);
    const old = (await gql(sb, "UserTweets", { userId: USER_ID, count: 5 }, { referer: `${sb.url}/${USER}?variant=b` })).json;
    expect(old.data.user.result).toHaveProperty("timeline_v2");
    expect(old.data.user.result).not.toHaveProperty("timeline");
    const author = unwrap(entriesOf(userTweetsInstructions(old))[0].content.itemContent.tweet_results.result).core.user_results.result;
    expect(author.legacy.screen_name).toBe(USER);
  });
});

describe("tweet results", () => {
  it("legacy counts equal the admin metrics; t.co links, mentions, photos and views", T, async () => {
    const metrics = { replies: 427, reposts: 728, likes: 4412, bookmarks: 392, views: 403765, quotes: 17 };
    const [p] = await seedPosts(sb, [{ text: "Read https://example.com/a/rather/long/path/to/a/page ❤️ @pg_guru", metrics, media: 2 }]);
    const t = tweetIn(entriesOf(await userTweets({})), p?.id ?? "");
    const admin = post(p?.id ?? "");
    expect(admin?.metrics).toEqual({ replies: 427, reposts: 728, likes: 4412, bookmarks: 392, views: 403765 });
    expect(admin?.quotes).toBe(17);
    expect(t.legacy).toMatchObject({
      reply_count: 427,
      retweet_count: 728,
      favorite_count: 4412,
      bookmark_count: 392,
      quote_count: 17,
      id_str: p?.id,
      conversation_id_str: p?.id,
      user_id_str: USER_ID,
      lang: "en",
    });
    expect(t.views).toEqual({ count: "403765", state: "EnabledWithCount" });
    expect(t.source).toContain("Twitter Web App");
    expect(t.legacy.created_at).toMatch(/^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} \+0000 \d{4}$/);
    const [url] = t.legacy.entities.urls;
    expect(url).toMatchObject({ expanded_url: "https://example.com/a/rather/long/path/to/a/page", display_url: "example.com/a/rather/long…" });
    expect(url.url).toMatch(/^https:\/\/t\.co\/[A-Za-z0-9]{10}$/);
    expect(t.legacy.full_text).toContain(url.url);
    expect(t.legacy.full_text).not.toContain("example.com");
    expect(t.legacy.entities.user_mentions).toMatchObject([{ screen_name: "pg_guru", name: "Postgres Guru" }]);
    expect(t.legacy.entities).toMatchObject({ hashtags: [], symbols: [] });
    const media = t.legacy.extended_entities.media;
    expect(media).toHaveLength(2);
    expect(media[0]).toMatchObject({ type: "photo", media_url_https: expect.stringMatching(/^https:\/\/pbs\.twimg\.com\/media\//), id_str: expect.stringMatching(/^\d+$/) });
    const [, end] = t.legacy.display_text_range;
    expect([...t.legacy.full_text].slice(end).join("")).toBe(` ${media[0].url}`);
  });

  it("long posts carry note_tweet with the whole text and a ~275-character full_text; old posts have no view count", T, async () => {
    const long = `${"Postgres planner notes. ".repeat(20)}The end.`;
    expect(weightedLength(long)).toBeGreaterThan(MAX_TWEET_WEIGHT);
    const [note, old] = await seedPosts(sb, [{ text: long }, { text: "A post from 2021", createdAtMs: Date.UTC(2021, 5, 1) }]);
    const entries = entriesOf(await userTweets({}));
    const t = tweetIn(entries, note?.id ?? "");
    expect(t.note_tweet).toMatchObject({ is_expandable: true, note_tweet_results: { result: { text: long, entity_set: { urls: [], user_mentions: [] } } } });
    expect([...t.legacy.full_text].length).toBeLessThanOrEqual(275);
    expect([...t.legacy.full_text].length).toBeGreaterThan(200);
    expect(long.startsWith(t.legacy.full_text)).toBe(true);
    const o = tweetIn(entries, old?.id ?? "");
    expect(o.views).toEqual({ state: "Enabled" });
    expect(post(old?.id ?? "")?.metrics.views).toBe(0);
  });

  it("about one in four results is a TweetWithVisibilityResults wrapper", T, async () => {
    await seedPosts(
      sb,
      Array.from({ length: 40 }, (_, i) => ({ text: `Visibility sample ${i}`, createdAtMs: Date.now() - (i + 1) * 60_000 })),
    );
    const entries = entriesOf(await userTweets({ count: 40 })).filter((e) => e.entryId.startsWith("tweet-"));
    const wrapped = entries.filter((e) => e.content.itemContent.tweet_results.result.__typename === "TweetWithVisibilityResults");
    expect(wrapped.length).toBeGreaterThanOrEqual(4);
    expect(wrapped.length).toBeLessThanOrEqual(20);
    const w = wrapped[0].content.itemContent.tweet_results.result;
    expect(w).toMatchObject({ limitedActionResults: { limited_actions: [] }, tweet: { rest_id: expect.any(String), legacy: expect.any(Object) } });
    expect(w.tweet).not.toHaveProperty("__typename");
  });
});

describe("TweetDetail, NotificationsTimeline, HomeTimeline", () => {
  it("TweetDetail: ancestors, focal, conversationthread modules, cursor, TerminateTimeline; tombstones; 144", T, async () => {
    const [root] = await seedPosts(sb, [{ author: "pg_guru", text: "Root question" }]);
    const [focal] = await seedPosts(sb, [{ text: "My answer", inReplyTo: root?.id }]);
    const [reply] = await seedPosts(sb, [{ author: "edge_dev", text: "A reply", inReplyTo: focal?.id }]);
    const [selfReply] = await seedPosts(sb, [{ author: "edge_dev", text: "and more", inReplyTo: reply?.id }]);
    const detail = async (id: string) => (await gql(sb, "TweetDetail", { focalTweetId: id, with_rux_injections: false })).json;
    const json = await detail(focal?.id ?? "");
    const instructions = json.data.threaded_conversation_with_injections_v2.instructions;
    expect(instructions.map((i: any) => i.type)).toEqual(["TimelineClearCache", "TimelineAddEntries", "TimelineTerminateTimeline"]);
    expect(instructions[2]).toEqual({ type: "TimelineTerminateTimeline", direction: "Top" });
    const entries = entriesOf(instructions);
    expect(entries.map((e) => e.entryId)).toEqual([`tweet-${root?.id}`, `tweet-${focal?.id}`, `conversationthread-${reply?.id}`, expect.stringMatching(/^cursor-bottom-\d+$/)]);
    expect(entries[2].content.items.map((i: any) => i.entryId)).toEqual([`conversationthread-${reply?.id}-tweet-${reply?.id}`, `conversationthread-${reply?.id}-tweet-${selfReply?.id}`]);
    expect(tweetIn(entries, focal?.id ?? "").legacy).toMatchObject({ in_reply_to_status_id_str: root?.id, in_reply_to_screen_name: "pg_guru", conversation_id_str: root?.id });
    expect((await admin(sb, "DELETE", `posts/${root?.id}`)).status).toBe(200);
    const tomb = entriesOf((await detail(focal?.id ?? "")).data.threaded_conversation_with_injections_v2.instructions)[0];
    expect(tomb.content.itemContent.tweet_results.result).toMatchObject({ __typename: "TweetTombstone", tombstone: { __typename: "TextTombstone", text: { text: TOMBSTONE_TEXT } } });
    const deletedFocal = entriesOf((await detail(root?.id ?? "")).data.threaded_conversation_with_injections_v2.instructions);
    expect(deletedFocal[0].content.itemContent.tweet_results.result.__typename).toBe("TweetTombstone");
    const missing = await gql(sb, "TweetDetail", { focalTweetId: "1234567890123456789" });
    expect(missing.status).toBe(200);
    expect(missing.json).toEqual({
      errors: [{ message: "_Missing: No status found with that ID.", code: 144, kind: "NonFatal", name: "GenericError", source: "Server" }],
      data: {},
    });
  });

  it("NotificationsTimeline (Mentions) under viewer_v2 and HomeTimeline under home_timeline_urt", T, async () => {
    await admin(sb, "POST", "seed", { mentions: [{ author: "curious_cat", text: "how do you deploy?" }] });
    const n = (await gql(sb, "NotificationsTimeline", { timeline_type: "Mentions", count: 20 })).json;
    const nt = n.data.viewer_v2.user_results.result;
    expect(nt).toMatchObject({ __typename: "User", rest_id: USER_ID, notification_timeline: { id: expect.any(String) } });
    const mentionEntries = entriesOf(nt.notification_timeline.timeline.instructions);
    const authors = mentionEntries.filter((e) => e.entryId.startsWith("tweet-")).map((e) => unwrap(e.content.itemContent.tweet_results.result).core.user_results.result.core.screen_name);
    expect(authors).toEqual(["curious_cat", "edge_dev"]);
    expect(mentionEntries.at(-1).content.cursorType).toBe("Bottom");
    const h = (await gql(sb, "HomeTimeline", { count: 2 })).json;
    const homeEntries = entriesOf(h.data.home.home_timeline_urt.instructions);
    expect(homeEntries.map((e) => e.entryId.replace(/\d+/g, "N"))).toEqual(["tweet-N", "tweet-N", "cursor-top-N", "cursor-bottom-N"]);
    const rest = entriesOf((await gql(sb, "HomeTimeline", { count: 20, cursor: homeEntries.at(-1).content.value })).json.data.home.home_timeline_urt.instructions);
    expect(tweetIdsOf(rest)).toHaveLength(2);
    expect(tweetIdsOf(rest)).not.toContain(tweetIdsOf(homeEntries)[0]);
  });
});

describe("CreateNoteTweet", () => {
  const long = `${"A long premium post about typescript generics. ".repeat(8)}Fin.`;

  it("is refused with 186 without Premium, and answers under notetweet_create with it", T, async () => {
    expect(await gqlPost(sb, "CreateNoteTweet", { tweet_text: long })).toMatchObject({ status: 200, json: { errors: [{ code: 186 }] } });
    expect(await gqlPost(sb, "CreateTweet", { tweet_text: long })).toMatchObject({ status: 200, json: { errors: [{ code: 186 }] } });
    await admin(sb, "POST", "seed", { premium: true });
    expect((await gql(sb, "UserByScreenName", { screen_name: USER })).json.data.user.result.is_blue_verified).toBe(true);
    expect(await gqlPost(sb, "CreateTweet", { tweet_text: long })).toMatchObject({ json: { errors: [{ code: 186 }] } });
    const ok = await gqlPost(sb, "CreateNoteTweet", { tweet_text: long, richtext_options: { richtext_tags: [] } });
    const result = ok.json.data.notetweet_create.tweet_results.result;
    expect(result.rest_id).toMatch(/^\d{19}$/);
    expect(result.note_tweet.note_tweet_results.result.text).toBe(long);
    expect(post(result.rest_id)).toMatchObject({ text: long, author: USER });
    sb.reset();
    expect((await gqlPost(sb, "CreateNoteTweet", { tweet_text: `${long} again` })).json.errors[0].code).toBe(186);
  });
});

describe("engagement counters", () => {
  it("quotes and bookmarks come from the model, clearly apart from likes", T, async () => {
    const t0 = Date.UTC(2025, 4, 6, 19, 0, 0);
    const [p] = await seedPosts(sb, [{ text: "An AI agent prompt trick", createdAtMs: t0 }]);
    sb.setNow(t0 + 48 * HOUR);
    const m = post(p?.id ?? "");
    expect(m?.metrics.likes).toBeGreaterThan(100);
    expect(m?.quotes).toBeGreaterThan(0);
    expect(m?.quotes ?? 0).toBeLessThan(m?.metrics.bookmarks ?? 0);
    expect(m?.metrics.bookmarks ?? 0).toBeLessThan((m?.metrics.likes ?? 0) / 10);
    const t = tweetIn(entriesOf(await userTweets({})), p?.id ?? "");
    expect(t.legacy).toMatchObject({
      favorite_count: m?.metrics.likes,
      bookmark_count: m?.metrics.bookmarks,
      quote_count: m?.quotes,
      retweet_count: m?.metrics.reposts,
      reply_count: m?.metrics.replies,
    });
    expect(t.views.count).toBe(String(m?.metrics.views));
  });
});
