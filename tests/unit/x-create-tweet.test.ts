/** Classification of CreateTweet answers (lib/x/create-tweet). */
import { describe, expect, it } from "vitest";
import { XbotError } from "../../lib/errors.js";
import { classifyCreateTweetResponse } from "../../lib/x/create-tweet.js";

const ok = (restId: unknown) => ({ data: { create_tweet: { tweet_results: { result: { __typename: "Tweet", rest_id: restId } } } } });
const err = (code: number, message = "x") => ({ errors: [{ code, message }] });

function thrown(status: number, json: unknown): XbotError {
  try {
    classifyCreateTweetResponse(status, json);
  } catch (e) {
    if (e instanceof XbotError) return e;
    throw e;
  }
  throw new Error("did not throw");
}

describe("classifyCreateTweetResponse", () => {
  it("returns the rest_id of a created tweet (also behind TweetWithVisibilityResults)", () => {
    expect(classifyCreateTweetResponse(200, ok("1790000000000000123"))).toEqual({ restId: "1790000000000000123" });
    const wrapped = { data: { create_tweet: { tweet_results: { result: { tweet: { rest_id: "42" } } } } } };
    expect(classifyCreateTweetResponse(200, wrapped)).toEqual({ restId: "42" });
  });

  it.each([
    [200, err(226), "x_automated"],
    [429, err(88), "x_rate_limited"],
    [429, {}, "x_rate_limited"],
    [200, err(88), "x_rate_limited"],
    [200, err(185), "x_rate_limited"],
    [401, err(32), "session_expired"],
    [403, err(353), "session_expired"],
    [403, {}, "session_expired"],
    [200, err(186), "validation"],
    [200, err(187), "validation"],
    [200, err(385), "x_tweet_deleted"],
    [200, err(326), "x_account_restricted"],
    [200, err(64), "x_account_suspended"],
    [200, err(999), "page_unexpected"],
  ] as const)("HTTP %d %j → %s, not posted", (status, json, code) => {
    const e = thrown(status, json);
    expect(e.code).toBe(code);
    expect(e.details?.posted).toBe(false);
  });

  it("marks a duplicate (187) and a too-long tweet (186)", () => {
    expect(thrown(200, err(187, "Status is a duplicate.")).details).toMatchObject({ duplicate: true, posted: false });
    expect(thrown(200, err(186)).details).toMatchObject({ tooLong: true });
  });

  it("an answer without a readable id, or a 5xx, means 'maybe posted'", () => {
    for (const [status, json] of [
      [200, {}],
      [200, ok("not-an-id")],
      [200, null],
      [500, {}],
      [503, err(131)],
    ] as const) {
      const e = thrown(status, json);
      expect(e.code).toBe("page_unexpected");
      expect(e.details?.posted).toBe("unknown");
    }
  });

  it("reads a long post's id from CreateNoteTweet's answer", () => {
    const note = { data: { notetweet_create: { tweet_results: { result: { rest_id: "1790000000000000555" } } } } };
    expect(classifyCreateTweetResponse(200, note)).toEqual({ restId: "1790000000000000555" });
  });

  it("a 429 with an id is not a success", () => {
    expect(thrown(429, ok("123")).code).toBe("x_rate_limited");
  });
});
