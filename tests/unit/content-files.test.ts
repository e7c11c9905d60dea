import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBannedPhrases } from "../../lib/content/banned.js";
import { addUsage, checkBudget, estimateCostUsd, priceOf, UNKNOWN_MODEL_PRICE } from "../../lib/content/budget.js";
import { loadEvergreen } from "../../lib/content/evergreen.js";
import { bannedGate } from "../../lib/content/gates.js";
import { hourBucketOf, loadTopics, parseTopics } from "../../lib/content/topics.js";
import { XbotError } from "../../lib/errors.js";

describe("operator files in content/", () => {
  it("loads topics, banned phrases and an evergreen library that agree with each other", async () => {
    const plan = await loadTopics("content/topics.json");
    expect(plan.topics.length).toBeGreaterThanOrEqual(4);
    expect(plan.formats).toEqual(["single", "thread"]);
    expect(plan.hourBuckets).toEqual([0, 4, 8, 12, 16, 20]);
    const banned = await loadBannedPhrases("content/banned.json");
    const library = await loadEvergreen("content/evergreen.json");
    expect(library.length).toBeGreaterThanOrEqual(12);
    for (const post of library) {
      expect(plan.topics.map((t) => t.id)).toContain(post.topic);
      expect(bannedGate(post, banned)).toEqual({ success: true });
    }
  });

  it("names every problem of a bad topics file in one config_invalid error", () => {
    const error = (() => {
      try {
        parseTopics({
          bucketHours: 5,
          topics: [
            { id: "Bad Id", description: "ok ok" },
            { id: "a", description: "x" },
          ],
          formats: ["video"],
        });
      } catch (e) {
        return e as XbotError;
      }
    })();
    expect(error).toBeInstanceOf(XbotError);
    expect(error?.code).toBe("config_invalid");
    for (const path of ["topics.0.id", "topics.1.description", "formats.0", "bucketHours"]) expect(error?.message).toContain(path);
  });

  it("reports unreadable and non-JSON files clearly", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xbot-content-"));
    await writeFile(join(dir, "bad.json"), "{ nope");
    await expect(loadTopics(join(dir, "missing.json"))).rejects.toMatchObject({ code: "config_invalid", message: expect.stringContaining("cannot read") });
    await expect(loadTopics(join(dir, "bad.json"))).rejects.toMatchObject({ code: "config_invalid", message: expect.stringContaining("not valid JSON") });
    await writeFile(join(dir, "ev.json"), JSON.stringify({ posts: [{ id: "a", topic: "t", format: "single", tweets: ["x".repeat(281)] }] }));
    await expect(loadEvergreen(join(dir, "ev.json"))).rejects.toMatchObject({ message: expect.stringContaining("posts.0.tweets.0: weighted length 281") });
  });

  it("maps instants to 4-hour UTC buckets by start hour", () => {
    expect(hourBucketOf(new Date("2025-01-01T03:59:59Z"), 4)).toBe(0);
    expect(hourBucketOf(new Date("2025-01-01T13:00:00Z"), 4)).toBe(12);
    expect(hourBucketOf(new Date("2025-01-01T23:30:00Z"), 6)).toBe(18);
  });
});

describe("LLM budget", () => {
  it("prices known models, dated variants, provider prefixes and unknown models", () => {
    expect(estimateCostUsd("gpt-4o-mini", { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBeCloseTo(0.75);
    expect(priceOf("gpt-4o-mini-2024-07-18")).toEqual(priceOf("gpt-4o-mini"));
    expect(priceOf("openai/gpt-4o")).toEqual({ inputPerMTok: 2.5, outputPerMTok: 10 });
    expect(priceOf("llama-3.3-70b")).toBe(UNKNOWN_MODEL_PRICE);
    expect(estimateCostUsd("gpt-4o-mini", { inputTokens: 800, outputTokens: 200 })).toBeCloseTo(0.00024, 8);
  });

  it("sums usage and decides whether a call fits the daily budget", () => {
    expect(addUsage({ inputTokens: 1, outputTokens: 2 }, { inputTokens: 3, outputTokens: 4 })).toEqual({ inputTokens: 4, outputTokens: 6 });
    expect(checkBudget(0.9, 1, 0.05).success).toBe(true);
    expect(checkBudget(0.98, 1, 0.05)).toMatchObject({ success: false, reason: expect.stringContaining("exceed") });
  });
});
