/** Mode resolution: a request can only lower the mode, and a preview never acts on the real X. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadConfig, type Config } from "../../lib/config.js";
import { isRealX, resolveMode } from "../../lib/jobs/mode.js";
import type { Mode } from "../../lib/jobs/job.js";

const RANK: Record<Mode, number> = { shadow: 0, dry: 1, live: 2 };
const REAL_X = "https://x.com";
const SANDBOX = "http://127.0.0.1:3001";

function config(options: { mode?: Mode; preview?: boolean; allowPreviewLive?: string } = {}): Config {
  return loadConfig({
    ...(options.mode ? { XBOT_MODE: options.mode } : {}),
    ...(options.preview ? { VERCEL_ENV: "preview" } : { VERCEL_ENV: "development" }),
    ...(options.allowPreviewLive !== undefined ? { XBOT_ALLOW_PREVIEW_LIVE: options.allowPreviewLive } : {}),
  });
}

describe("isRealX", () => {
  it.each(["https://x.com", "https://x.com/home", "https://X.COM", "https://www.x.com", "https://api.x.com:443/2", "https://twitter.com", "https://mobile.twitter.com/i", "http://x.com"])(
    "%s is the real X",
    (url) => {
      expect(isRealX(url)).toBe(true);
    },
  );

  it.each([undefined, "", "http://127.0.0.1:3001", "http://localhost:3001", "https://notx.com", "https://x.com.evil.test", "https://evilx.com", "https://twitter.com.example", "https://xcom.test"])(
    "%j is not",
    (url) => {
      expect(isRealX(url)).toBe(false);
    },
  );
});

describe("resolveMode", () => {
  it("no request: the configured mode, unforced", () => {
    for (const mode of ["live", "dry", "shadow"] as const) expect(resolveMode(config({ mode }), undefined, SANDBOX)).toEqual({ mode });
    expect(resolveMode(config(), undefined, SANDBOX)).toEqual({ mode: "live" });
  });

  it("a request can lower the mode without being 'forced'", () => {
    expect(resolveMode(config({ mode: "live" }), "shadow", REAL_X)).toEqual({ mode: "shadow" });
    expect(resolveMode(config({ mode: "live" }), "dry", REAL_X)).toEqual({ mode: "dry" });
    expect(resolveMode(config({ mode: "dry" }), "shadow", REAL_X)).toEqual({ mode: "shadow" });
  });

  it("a request can never raise the mode above XBOT_MODE", () => {
    expect(resolveMode(config({ mode: "shadow" }), "live", REAL_X)).toEqual({ mode: "shadow", forced: "XBOT_MODE=shadow caps the mode" });
    expect(resolveMode(config({ mode: "shadow" }), "dry", SANDBOX)).toEqual({ mode: "shadow", forced: "XBOT_MODE=shadow caps the mode" });
    expect(resolveMode(config({ mode: "dry" }), "live", SANDBOX)).toEqual({ mode: "dry", forced: "XBOT_MODE=dry caps the mode" });
  });

  it("a preview on the real X is forced to shadow, whatever was asked or configured", () => {
    const forced = "preview deployment: shadow mode (set XBOT_ALLOW_PREVIEW_LIVE=true to act on X)";
    for (const url of [REAL_X, "https://twitter.com", "https://www.x.com/home"]) {
      expect(resolveMode(config({ preview: true }), undefined, url)).toEqual({ mode: "shadow", forced });
      expect(resolveMode(config({ preview: true }), "live", url)).toEqual({ mode: "shadow", forced });
      expect(resolveMode(config({ preview: true }), "dry", url)).toEqual({ mode: "shadow", forced });
      expect(resolveMode(config({ preview: true, mode: "dry" }), undefined, url)).toEqual({ mode: "shadow", forced });
    }
    expect(resolveMode(config({ preview: true }), "shadow", REAL_X)).toEqual({ mode: "shadow" });
  });

  it("a preview against the sandbox (or no X at all) is not forced", () => {
    expect(resolveMode(config({ preview: true }), undefined, SANDBOX)).toEqual({ mode: "live" });
    expect(resolveMode(config({ preview: true }), "dry", "http://localhost:3001")).toEqual({ mode: "dry" });
    expect(resolveMode(config({ preview: true }), undefined, undefined)).toEqual({ mode: "live" });
  });

  it("XBOT_ALLOW_PREVIEW_LIVE=true (or 1) lets a preview act on the real X; false/0 does not", () => {
    expect(resolveMode(config({ preview: true, allowPreviewLive: "true" }), undefined, REAL_X)).toEqual({ mode: "live" });
    expect(resolveMode(config({ preview: true, allowPreviewLive: "1" }), "dry", REAL_X)).toEqual({ mode: "dry" });
    expect(resolveMode(config({ preview: true, allowPreviewLive: "false" }), undefined, REAL_X).mode).toBe("shadow");
    expect(resolveMode(config({ preview: true, allowPreviewLive: "0" }), undefined, REAL_X).mode).toBe("shadow");
    // still capped by XBOT_MODE
    expect(resolveMode(config({ preview: true, allowPreviewLive: "true", mode: "dry" }), "live", REAL_X)).toEqual({ mode: "dry", forced: "XBOT_MODE=dry caps the mode" });
  });

  it("production is never forced by the preview rule", () => {
    const production = loadConfig({ VERCEL_ENV: "production", CRON_SECRET: "cron-secret-0123456789abcdef" });
    expect(resolveMode(production, undefined, REAL_X)).toEqual({ mode: "live" });
  });

  it("property: never above the request or XBOT_MODE; shadow on a preview on real X; `forced` exactly when it differs from the request", () => {
    const mode = fc.constantFrom<Mode>("live", "dry", "shadow");
    fc.assert(
      fc.property(
        mode,
        fc.option(mode, { nil: undefined }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(REAL_X, SANDBOX, "https://api.twitter.com", undefined),
        (configured, requested, preview, allow, url) => {
          const result = resolveMode(config({ mode: configured, preview, allowPreviewLive: String(allow) }), requested, url);
          const wanted = requested ?? configured;
          expect(RANK[result.mode]).toBeLessThanOrEqual(RANK[wanted]);
          expect(RANK[result.mode]).toBeLessThanOrEqual(RANK[configured]);
          if (preview && !allow && isRealX(url)) expect(result.mode).toBe("shadow");
          else expect(result.mode).toBe(RANK[wanted] <= RANK[configured] ? wanted : configured);
          expect(result.forced !== undefined).toBe(result.mode !== wanted);
        },
      ),
      { numRuns: 300 },
    );
  });
});
