/** The non-navigating id fallback (URL) and status-link parsing (lib/x). */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { parseStatusHref } from "../../lib/x/dom.js";
import { normalizeText } from "../../lib/x/text.js";
import { idFromUrl } from "../../lib/x/fallback.js";
import type { XSite } from "../../lib/x/types.js";

const site: XSite = { baseUrl: "https://x.com", user: "xbot_sandbox", typing: "fill" };
const pageAt = (url: string): Page => ({ url: () => url }) as unknown as Page;

describe("idFromUrl", () => {
  const ctx = { urlBefore: "https://x.com/home", exclude: ["111"] };

  it("takes our new status from a changed URL", () => {
    expect(idFromUrl(pageAt("https://x.com/xbot_sandbox/status/1790000000000000123"), site, ctx)).toBe("1790000000000000123");
    expect(idFromUrl(pageAt("https://x.com/XBOT_SANDBOX/status/42/photo/1"), site, ctx)).toBe("42");
  });

  it("ignores an unchanged URL, other authors and excluded ids (the reply target)", () => {
    expect(idFromUrl(pageAt("https://x.com/xbot_sandbox/status/5"), site, { ...ctx, urlBefore: "https://x.com/xbot_sandbox/status/5" })).toBeNull();
    expect(idFromUrl(pageAt("https://x.com/pg_guru/status/77"), site, ctx)).toBeNull();
    expect(idFromUrl(pageAt("https://x.com/xbot_sandbox/status/111"), site, ctx)).toBeNull();
    expect(idFromUrl(pageAt("https://x.com/home"), site, ctx)).toBeNull();
  });
});

describe("parseStatusHref / normalizeText", () => {
  it("parses relative and absolute status links", () => {
    expect(parseStatusHref("/pg_guru/status/123")).toEqual({ author: "pg_guru", id: "123" });
    expect(parseStatusHref("https://x.com/a_b/status/9/analytics")).toEqual({ author: "a_b", id: "9" });
    expect(parseStatusHref("/i/web/status/9")).toBeNull();
    expect(parseStatusHref(null)).toBeNull();
  });

  it("compares texts ignoring whitespace runs and invisible characters", () => {
    expect(normalizeText(" a\u00a0 b\u200b\n c ")).toBe("a b c");
  });
});
