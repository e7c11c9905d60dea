import { describe, expect, it } from "vitest";
import { isActiveHour, nextSlot } from "../../lib/content/schedule.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (iso: string) => new Date(iso);
const base = { activeHours: { start: 8, end: 22 }, lastDueAt: null, minGapMs: 20 * MIN, jitterMs: 15 * MIN, random: () => 0 };

describe("nextSlot", () => {
  it("schedules now when now is inside active hours and the gap is honoured", () => {
    expect(nextSlot({ ...base, now: at("2025-01-01T10:00:00Z") })).toEqual(at("2025-01-01T10:00:00Z"));
  });

  it("waits for the minimum gap after the last due item, then adds jitter", () => {
    const due = nextSlot({ ...base, now: at("2025-01-01T10:00:00Z"), lastDueAt: at("2025-01-01T09:50:00Z"), random: () => 0.5 });
    expect(due).toEqual(new Date(at("2025-01-01T10:10:00Z").getTime() + 7.5 * MIN));
  });

  it("moves to the next active window when outside active hours", () => {
    expect(nextSlot({ ...base, now: at("2025-01-01T23:30:00Z") })).toEqual(at("2025-01-02T08:00:00Z"));
    expect(nextSlot({ ...base, now: at("2025-01-01T05:00:00Z") })).toEqual(at("2025-01-01T08:00:00Z"));
  });

  it("never lets jitter leave active hours", () => {
    const due = nextSlot({ ...base, now: at("2025-01-01T21:55:00Z"), jitterMs: 2 * HOUR, random: () => 0.999 });
    expect(due.getTime()).toBeLessThan(at("2025-01-01T22:00:00Z").getTime());
  });

  it("prefers the chosen hour bucket, and falls back when the bucket is outside active hours", () => {
    expect(nextSlot({ ...base, now: at("2025-01-01T09:00:00Z"), hourBucket: 16 })).toEqual(at("2025-01-01T16:00:00Z"));
    expect(nextSlot({ ...base, now: at("2025-01-01T18:00:00Z"), hourBucket: 8 })).toEqual(at("2025-01-02T08:00:00Z"));
    expect(nextSlot({ ...base, now: at("2025-01-01T09:00:00Z"), hourBucket: 0 })).toEqual(at("2025-01-01T09:00:00Z"));
  });

  it("supports active hours that wrap midnight", () => {
    const wrap = { start: 20, end: 2 };
    expect([19, 20, 23, 0, 1, 2].map((h) => isActiveHour(h, wrap))).toEqual([false, true, true, true, true, false]);
    expect(nextSlot({ ...base, activeHours: wrap, now: at("2025-01-01T12:00:00Z") })).toEqual(at("2025-01-01T20:00:00Z"));
  });

  it("always lands inside active hours and after the gap (random inputs)", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 500; i++) {
      const now = new Date(Date.UTC(2025, 0, 1) + Math.floor(random() * 7 * 24 * HOUR));
      const lastDueAt = new Date(now.getTime() - HOUR + Math.floor(random() * 3 * HOUR));
      const due = nextSlot({ ...base, now, lastDueAt, jitterMs: 90 * MIN, random, hourBucket: [0, 4, 8, 12, 16, 20][i % 6] });
      expect(isActiveHour(due.getUTCHours(), base.activeHours)).toBe(true);
      expect(due.getTime()).toBeGreaterThanOrEqual(Math.max(now.getTime(), lastDueAt.getTime() + base.minGapMs));
    }
  });
});
