import { describe, expect, it } from "vitest";
import { contentHash } from "../../lib/db/queue.js";
import { pickEvergreen, type EvergreenPost } from "../../lib/content/evergreen.js";

const DAY = 86_400_000;
const now = new Date("2025-06-01T12:00:00Z");
const library: EvergreenPost[] = [
  { id: "a", topic: "databases", format: "single", tweets: ["Post A"] },
  { id: "b", topic: "databases", format: "single", tweets: ["Post B"] },
  { id: "c", topic: "reliability", format: "thread", tweets: ["Post C1", "Post C2"] },
];
const postedDaysAgo = (post: EvergreenPost, days: number) => ({ contentHash: contentHash(post.tweets), postedAt: new Date(now.getTime() - days * DAY) });
const [a, b, c] = library as [EvergreenPost, EvergreenPost, EvergreenPost];

describe("pickEvergreen", () => {
  it("prefers posts never posted", () => {
    const recentlyPosted = [postedDaysAgo(a, 90), postedDaysAgo(b, 45)];
    for (const r of [0, 0.5, 0.999]) expect(pickEvergreen({ library, recentlyPosted, now, random: () => r })?.id).toBe("c");
  });

  it("never reposts within minDaysBetween (default 30), using the LATEST posting", () => {
    const recentlyPosted = [postedDaysAgo(a, 10), postedDaysAgo(b, 29.9), postedDaysAgo(c, 100), postedDaysAgo(c, 5)];
    expect(pickEvergreen({ library, recentlyPosted, now, random: () => 0.5 })).toBeNull();
    const picks = [0, 0.99].map((r) => pickEvergreen({ library, recentlyPosted, now, random: () => r, minDaysBetween: 7 })?.id);
    expect(picks).toEqual(["a", "b"]);
  });

  it("recycles once the window has passed, picking among eligible posts with the injected random", () => {
    const recentlyPosted = [postedDaysAgo(a, 31), postedDaysAgo(b, 60), postedDaysAgo(c, 3)];
    expect(pickEvergreen({ library, recentlyPosted, now, random: () => 0 })?.id).toBe("a");
    expect(pickEvergreen({ library, recentlyPosted, now, random: () => 0.99 })?.id).toBe("b");
  });

  it("matches on normalised content, filters by topic, and handles an empty library", () => {
    const respaced = { contentHash: contentHash(["  post   a "]), postedAt: new Date(now.getTime() - DAY) };
    expect(pickEvergreen({ library, recentlyPosted: [respaced], now, random: () => 0, topic: "databases" })?.id).toBe("b");
    expect(pickEvergreen({ library, recentlyPosted: [], now, random: () => 0, topic: "nope" })).toBeNull();
    expect(pickEvergreen({ library: [], recentlyPosted: [], now, random: () => 0 })).toBeNull();
  });
});
