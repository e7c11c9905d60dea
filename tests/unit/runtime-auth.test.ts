/** bearerMatches: `Bearer <secret>` in constant time, and nothing else. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { bearerMatches } from "../../lib/runtime/http/auth.js";

const SECRET = "cron-secret-0123456789abcdef";

describe("bearerMatches", () => {
  it.each([
    ["the exact header", `Bearer ${SECRET}`],
    ["a lower-case scheme", `bearer ${SECRET}`],
    ["an upper-case scheme", `BEARER ${SECRET}`],
    ["a tab separator", `Bearer\t${SECRET}`],
    ["several spaces", `Bearer     ${SECRET}`],
    ["trailing spaces and tabs", `Bearer ${SECRET} \t `],
  ])("accepts %s", (_name, header) => {
    expect(bearerMatches(header, SECRET)).toBe(true);
  });

  it.each([
    ["null", null],
    ["empty", ""],
    ["the scheme only", "Bearer"],
    ["the scheme and a space", "Bearer "],
    ["no separator", `Bearer${SECRET}`],
    ["a leading space", ` Bearer ${SECRET}`],
    ["Basic", `Basic ${SECRET}`],
    ["Basic base64", `Basic ${Buffer.from(`u:${SECRET}`).toString("base64")}`],
    ["no scheme", SECRET],
    ["a colon after the scheme", `Bearer: ${SECRET}`],
    ["a prefix", `Bearer ${SECRET.slice(0, -1)}`],
    ["an extension", `Bearer ${SECRET}x`],
    ["a space inside", `Bearer ${SECRET.slice(0, 5)} ${SECRET.slice(5)}`],
    ["two tokens", `Bearer ${SECRET} ${SECRET}`],
    ["a comma list", `Bearer ${SECRET}, Bearer ${SECRET}`],
    ["another case", `Bearer ${SECRET.toUpperCase()}`],
    ["a newline", `Bearer ${SECRET}\n`],
    ["a vertical tab separator", `Bearer\v${SECRET}`],
    ["a non-breaking space separator", `Bearer\u00a0${SECRET}`],
    ["quotes", `Bearer "${SECRET}"`],
  ])("refuses %s", (_name, header) => {
    expect(bearerMatches(header, SECRET)).toBe(false);
  });

  it("refuses everything when no secret is configured", () => {
    expect(bearerMatches(`Bearer ${SECRET}`, undefined)).toBe(false);
    expect(bearerMatches("Bearer ", "")).toBe(false);
    expect(bearerMatches("Bearer undefined", undefined)).toBe(false);
  });

  it("a secret with a space in it can never match (the token is one run of non-spaces)", () => {
    expect(bearerMatches("Bearer two words", "two words")).toBe(false);
  });

  it("secrets with token68 characters and non-ASCII ones match exactly", () => {
    for (const secret of ["a+b/c=d~e.f-g_h==", "ünïcödé-sécret-✓-0123", "x".repeat(4_096)]) {
      expect(bearerMatches(`Bearer ${secret}`, secret)).toBe(true);
      expect(bearerMatches(`Bearer ${secret}!`, secret)).toBe(false);
    }
  });

  it("a huge header is refused quickly (no regex blow-up)", () => {
    const t0 = performance.now();
    expect(bearerMatches(`Bearer ${" ".repeat(200_000)}x ${"y".repeat(200_000)}`, SECRET)).toBe(false);
    expect(bearerMatches(`Bearer${"\t".repeat(200_000)}`, SECRET)).toBe(false);
    expect(bearerMatches(`Bearer ${"z".repeat(1_000_000)}`, SECRET)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it("property: `Bearer <t>` matches exactly when t === secret", () => {
    const token = fc.string({ unit: fc.constantFrom(..."abcdef0123456789-_.~+/=ABC"), minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(token, token, (secret, other) => {
        expect(bearerMatches(`Bearer ${secret}`, secret)).toBe(true);
        expect(bearerMatches(`Bearer ${other}`, secret)).toBe(other === secret);
      }),
      { numRuns: 500 },
    );
  });

  it("property: arbitrary header values never match unless they are the secret behind the scheme", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (header) => {
        const ok = bearerMatches(header, SECRET);
        expect(ok).toBe(/^bearer[ \t]+/i.test(header) && header.replace(/^bearer[ \t]+/i, "").replace(/[ \t]+$/, "") === SECRET);
      }),
      { numRuns: 500 },
    );
  });
});
