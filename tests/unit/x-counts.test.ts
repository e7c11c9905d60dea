/** x.com count formats: abbreviated visible text and exact aria-labels (lib/x/counts). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { abbreviate, withCommas } from "../../lib/dev/sandbox/format.js";
import { countFromAriaLabel, countInText, parseCount } from "../../lib/x/counts.js";

describe("parseCount", () => {
  it.each([
    ["1.2K", 1200],
    ["3M", 3_000_000],
    ["1,234", 1234],
    ["12.5K", 12_500],
    ["", 0],
    ["  ", 0],
    ["999", 999],
    ["8.4K", 8400],
    ["1.15K", 1150],
    ["2.5B", 2_500_000_000],
    ["1,234,567", 1_234_567],
    ["7k", 7000],
  ])("%j → %d", (text, want) => {
    expect(parseCount(text)).toBe(want);
  });

  it.each(["abc", "1.2X", "K", "1..2", "-3"])("%j is not a count", (text) => {
    expect(parseCount(text)).toBeNull();
  });

  it("reads back every comma-formatted integer exactly", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2_000_000_000 }), (n) => parseCount(withCommas(n)) === n));
  });

  it("reads x.com's truncated abbreviations within 10% below the true value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 900_000_000 }), (n) => {
        const read = parseCount(abbreviate(n));
        return read !== null && read <= n && read >= n * 0.9;
      }),
    );
  });
});

describe("countFromAriaLabel", () => {
  it.each([
    ["8467 Likes. Like", 8467],
    ["7,154 Views. View post analytics", 7154],
    ["Like", 0],
    ["13 Replies. Reply", 13],
    ["139 reposts. Repost", 139],
    ["290 Bookmarks. Bookmark", 290],
    ["1 Like. Liked", 1],
    ["View post analytics", 0],
    ["2 Bookmarks. Bookmark", 2],
  ])("%j → %d", (label, want) => {
    expect(countFromAriaLabel(label)).toBe(want);
  });

  it("is exact for every plural label shape", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50_000_000 }),
        fc.constantFrom("Likes. Like", "Bookmarks. Bookmark", "reposts. Repost"),
        (n, rest) => countFromAriaLabel(`${n} ${rest}`) === n && countFromAriaLabel(`${withCommas(n)} Views. View post analytics`) === n,
      ),
    );
  });
});

describe("countInText", () => {
  it("finds the first count in a longer text", () => {
    expect(countInText("4,321 Followers")).toBe(4321);
    expect(countInText("1.2M Followers")).toBe(1_200_000);
    expect(countInText("Followers")).toBeNull();
    expect(countInText("Verified Followers")).toBeNull();
  });
});
