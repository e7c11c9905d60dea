/**
 * The GraphQL parsers (lib/x/graphql) on answers RECORDED FROM THE REAL x.com by third
 * parties (tests/fixtures/x-graphql/README.md), not on our sandbox: both the 2024 and the
 * 2026 shapes, pinned entries, reposts, modules, tombstones, X's errors and drift.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAnswer, operationOf } from "../../lib/x/graphql/operations.js";
import { parseTweetResult, twitterDate } from "../../lib/x/graphql/tweet.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/x-graphql/${name}`, import.meta.url), "utf8"));

function timeline(op: Parameters<typeof parseAnswer>[0], name: string) {
  const answer = parseAnswer(op, 200, fixture(name));
  if (answer.kind !== "timeline") throw new Error(`expected a timeline, got ${answer.kind}`);
  return answer.page;
}

describe("UserTweets", () => {
  it("2026 shape: pinned first, reposts flagged, who-to-follow skipped, self-thread module read, bottom cursor", () => {
    const page = timeline("UserTweets", "user-tweets-2026.json");
    expect(page.items.map((i) => i.tweet.id)).toEqual([
      "2019881223666233717",
      "2083305234688803178",
      "2082669627528601817",
      "2082643671132864764",
      "2082642229944778990",
      "2082640274845811115",
      "2082640276389249363",
    ]);
    expect(page.items[0]).toMatchObject({ pinned: true, tweet: { author: "XDevelopers", counts: { likes: 5569, replies: 783, reposts: 832, quotes: 573, bookmarks: 2810, views: 2525462 } } });
    expect(page.items.filter((i) => i.tweet.isRepost).length).toBe(4);
    expect(page.items[6]?.tweet).toMatchObject({ inReplyTo: "2082640274845811115", counts: { likes: 45, bookmarks: 14, views: 4346 } });
    expect(page.items[1]?.tweet.createdAt?.toISOString()).toBe("2026-07-31T21:34:08.000Z");
    expect(page.bottomCursor).toMatch(/./);
    expect(page.unreadable).toBe(0);
  });

  it("2024 shape: timeline_v2 and users that keep their handle in legacy", () => {
    const page = timeline("UserTweets", "user-tweets-2024.json");
    expect(page.items[0]?.pinned).toBe(true);
    expect(page.items.map((i) => [i.tweet.id, i.tweet.author, i.tweet.counts.likes, i.tweet.counts.bookmarks])).toEqual([
      ["1661790253886177280", "XDevelopers", 1112, 175],
      ["1735357096777138304", "XDevelopers", 323, 28],
      ["1720506615714213927", "XDevelopers", 436, 58],
      ["1693760896856920167", "XDevelopers", 0, 0],
    ]);
  });

  it("a suspended user is a UserUnavailable answer, not an empty timeline", () => {
    const answer = parseAnswer("UserTweets", 200, { data: { user: { result: { __typename: "UserUnavailable", reason: "Suspended" } } } });
    expect(answer).toMatchObject({ kind: "user", user: { kind: "unavailable", reason: "Suspended" } });
  });

  it("drifted shapes are unreadable, never an empty page", () => {
    const drifted = JSON.parse(JSON.stringify(fixture("user-tweets-2026.json")).replaceAll('"timeline"', '"timeline_v3"'));
    expect(parseAnswer("UserTweets", 200, drifted).kind).toBe("unreadable");
    const renamed = JSON.parse(JSON.stringify(fixture("user-tweets-2026.json")).replaceAll('"legacy"', '"legacy_v3"'));
    const page = parseAnswer("UserTweets", 200, renamed);
    expect(page.kind === "timeline" && page.page.items.length === 0 && page.page.unreadable > 0).toBe(true);
  });

  it("X's errors with HTTP 200 or 429 are errors, not data", () => {
    expect(parseAnswer("UserTweets", 429, { errors: [{ code: 88, message: "Rate limit exceeded." }] })).toMatchObject({ kind: "errors", status: 429, errors: [{ code: 88 }] });
    expect(parseAnswer("TweetDetail", 200, { errors: [{ code: 144, message: "_Missing: No status found with that ID." }], data: {} })).toMatchObject({ kind: "errors", errors: [{ code: 144 }] });
    expect(parseAnswer("UserTweets", 503, undefined)).toMatchObject({ kind: "errors", status: 503 });
    expect(parseAnswer("UserTweets", 200, undefined).kind).toBe("unreadable");
  });
});

describe("TweetDetail", () => {
  it("reads the focal tweet and the conversation modules, with exact counts and reply links", () => {
    const page = timeline("TweetDetail", "tweet-detail.json");
    const byId = new Map(page.items.map((i) => [i.tweet.id, i.tweet]));
    expect(byId.get("1649191520250245121")?.counts).toEqual({ likes: 426, replies: 93, reposts: 202, quotes: 118, bookmarks: 73, views: 979440 });
    expect(["1649191521323995138", "1649191522485817345", "1649191523697979392"].map((id) => byId.get(id)?.inReplyTo)).toEqual(["1649191520250245121", "1649191521323995138", "1649191522485817345"]);
    expect(byId.get("1649263296434806785")?.author).toBe("ashevat");
    // A reply to another account: full_text starts with "@TwitterDev ", outside display_text_range.
    expect(byId.get("1649263296434806785")?.text).toMatch(/^What data makes you think/);
    expect(byId.get("1649191521323995138")?.text).toMatch(/^On 3\/29 we announced/);
  });
});

describe("UserByScreenName", () => {
  it("reads followers from the 2026 shape and from legacy", () => {
    expect(parseAnswer("UserByScreenName", 200, fixture("user-by-screen-name-2026.json"))).toMatchObject({
      kind: "user",
      user: { kind: "user", user: { handle: "XDevelopers", followers: 695695, interstitial: null } },
    });
    expect(parseAnswer("UserByScreenName", 200, fixture("user-by-screen-name-2024.json"))).toMatchObject({ kind: "user", user: { kind: "user", user: { handle: "XDevelopers", followers: 607490 } } });
  });

  it("an unknown account is data {}; a drifted user is unreadable", () => {
    expect(parseAnswer("UserByScreenName", 200, { data: {} })).toMatchObject({ kind: "user", user: { kind: "unavailable", reason: "NotFound" } });
    expect(parseAnswer("UserByScreenName", 200, { data: { user: { result: { __typename: "User", rest_id: "1" } } } })).toMatchObject({ kind: "user", user: { kind: "unreadable" } });
  });
});

describe("tweet results", () => {
  const tweet = {
    __typename: "Tweet",
    rest_id: "1",
    core: { user_results: { result: { __typename: "User", rest_id: "2", core: { screen_name: "me" } } } },
    legacy: { full_text: "short…", created_at: "Wed Oct 10 20:19:24 +0000 2018", favorite_count: 1, retweet_count: 2, reply_count: 3, quote_count: 4 },
    note_tweet: { is_expandable: true, note_tweet_results: { result: { id: "Tm90ZQ==", text: "the whole long text" } } },
    views: { state: "Enabled" },
  };

  it("takes note_tweet's text, unwraps TweetWithVisibilityResults, and reads a missing view count as null", () => {
    const r = parseTweetResult({ __typename: "TweetWithVisibilityResults", tweet: { ...tweet, __typename: undefined }, limitedActionResults: {} });
    expect(r).toMatchObject({ kind: "tweet", tweet: { text: "the whole long text", counts: { views: null, bookmarks: null, quotes: 4 } } });
  });

  it("tombstones and unavailable tweets are typed; a mistyped count is unreadable", () => {
    expect(parseTweetResult({ __typename: "TweetTombstone", tombstone: {} })).toEqual({ kind: "tombstone" });
    expect(parseTweetResult({ __typename: "TweetUnavailable", reason: "Suspended" })).toEqual({ kind: "unavailable", reason: "Suspended" });
    expect(parseTweetResult({ ...tweet, legacy: { ...tweet.legacy, favorite_count: "1" } }).kind).toBe("unreadable");
  });

  it("parses Twitter dates and operation names (never query ids)", () => {
    expect(twitterDate("Wed Oct 10 20:19:24 +0000 2018")?.toISOString()).toBe("2018-10-10T20:19:24.000Z");
    expect(twitterDate("yesterday")).toBeNull();
    expect(operationOf("https://x.com/i/api/graphql/E3opETHurmVJflFsUBVuUQ/UserTweets?variables=%7B%7D")).toBe("UserTweets");
    expect(operationOf("https://x.com/i/api/2/notifications/all.json")).toBeNull();
  });
});
