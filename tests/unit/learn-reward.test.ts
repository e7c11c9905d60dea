import { describe, expect, it } from "vitest";
import { sampleBeta, sampleGamma } from "../../lib/learn/beta.js";
import { rawReward, scorePost, squashReward } from "../../lib/learn/reward.js";
import { mulberry32 } from "../support/random.js";

describe("reward", () => {
  const e = { likes: 10, replies: 1, reposts: 1, bookmarks: 1, views: 1000, followerDelta: 1 };

  it("is (0.5·likes + 1.5·replies + 2·reposts + 0.2·bookmarks + 5·followers) / √views", () => {
    expect(rawReward(e)).toBeCloseTo((5 + 1.5 + 2 + 0.2 + 5) / Math.sqrt(1000), 12);
    expect(rawReward({ ...e, views: 0 })).toBeCloseTo(13.7, 12);
    expect(rawReward({ ...e, views: Number.NaN })).toBeCloseTo(13.7, 12);
    expect(rawReward({ ...e, likes: 0, replies: 0, reposts: 0, bookmarks: 0, followerDelta: -2 })).toBeLessThan(0);
  });

  it("squashes with r/(r+k) into [0, 1): monotone, k maps to 0.5, negatives to 0", () => {
    expect(squashReward(0.5)).toBe(0.5);
    expect(squashReward(1, 1)).toBe(0.5);
    expect(squashReward(0)).toBe(0);
    expect(squashReward(-3)).toBe(0);
    expect(squashReward(Number.NaN)).toBe(0);
    const values = [0.01, 0.07, 0.43, 1.2, 10, 1000].map((r) => squashReward(r));
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(values.every((v) => v > 0 && v < 1)).toBe(true);
    expect(() => squashReward(1, 0)).toThrow(RangeError);
    expect(scorePost(e).reward01).toBeCloseTo(0.4324 / (0.4324 + 0.5), 3);
  });
});

describe("Beta sampler (Marsaglia–Tsang gammas)", () => {
  it.each([
    [1, 1],
    [2, 5],
    [0.5, 0.5],
    [30, 70],
    [0.3, 4],
  ])("Beta(%d, %d) has the right mean and variance", (a, b) => {
    const random = mulberry32(42);
    const n = 40_000;
    let sum = 0;
    let sumSq = 0;
    let inRange = true;
    for (let i = 0; i < n; i++) {
      const x = sampleBeta(a, b, random);
      inRange &&= x >= 0 && x <= 1;
      sum += x;
      sumSq += x * x;
    }
    expect(inRange).toBe(true);
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    const wantMean = a / (a + b);
    const wantVar = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(mean - wantMean)).toBeLessThan(4 * Math.sqrt(wantVar / n) + 1e-9);
    expect(Math.abs(variance - wantVar) / wantVar).toBeLessThan(0.05);
  });

  it("gives Gamma(k) mean k and rejects bad shapes", () => {
    const random = mulberry32(7);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += sampleGamma(3.5, random);
    expect(sum / 20_000).toBeCloseTo(3.5, 1);
    expect(() => sampleGamma(0, random)).toThrow(RangeError);
  });
});
