/** Account settings: zod validation naming every bad field, the overlay, timezone hours, sealed egress. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config.js";
import { overlayAccount, parseAccountSettings, utcActiveHours } from "../../lib/content/account-settings.js";
import { EGRESS_FORMAT, seal, unseal } from "../../lib/browser/sealed.js";
import { createLogger } from "../../lib/log.js";

describe("account settings", () => {
  it("one error names every bad field", () => {
    let error: unknown;
    try {
      parseAccountSettings({ caps: { postsPerHour: -1, nope: 1 }, timezone: "Mars/Base", mode: "loud", activeHours: "25-3", extra: true });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "config_invalid" });
    const message = (error as Error).message;
    for (const field of ["caps.postsPerHour", "caps: ", "timezone", "mode", "activeHours", "extra"]) expect(message).toContain(field);
  });

  it("the overlay keeps the env's values for absent settings and sets the account id, handle and egress", () => {
    const env = loadConfig({ XBOT_CAPS: '{"postsPerHour":5}', XBOT_PROXY_URL: "http://env-proxy:8080" });
    const c = overlayAccount(env, { id: "a1", handle: "a_one", settings: { caps: { threadsPerDay: 0 } }, egress: { proxyUrl: "socks5://a1-proxy:1080" } });
    expect(c).toMatchObject({ XBOT_ACCOUNT_ID: "a1", XBOT_X_USER: "a_one", XBOT_CAPS: { postsPerHour: 5, threadsPerDay: 0 }, XBOT_PROXY_URL: "socks5://a1-proxy:1080", XBOT_MODE: "live" });
    expect(overlayAccount(env, { id: "a2", handle: "a2", settings: {} }).XBOT_PROXY_URL).toBe("http://env-proxy:8080");
    expect(env.XBOT_ACCOUNT_ID).toBe("default");
  });

  it("active hours in a timezone become UTC hours at that moment (DST moves them)", () => {
    expect(utcActiveHours("9-17", "Europe/Paris", new Date("2026-01-15T12:00:00Z"))).toEqual({ start: 8, end: 16 });
    expect(utcActiveHours("9-17", "Europe/Paris", new Date("2026-07-15T12:00:00Z"))).toEqual({ start: 7, end: 15 });
    expect(utcActiveHours("22-6", "America/New_York", new Date("2026-01-15T12:00:00Z"))).toEqual({ start: 3, end: 11 });
    expect(utcActiveHours("5-5", "Asia/Tokyo", new Date())).toEqual({ start: 0, end: 0 });
  });

  it("a sealed egress opens with its key only", () => {
    const key = "a".repeat(64);
    const blob = seal('{"proxyUrl":"http://u:p@h:1"}', key, EGRESS_FORMAT);
    expect(blob).not.toContain("u:p");
    expect(unseal(blob, key, EGRESS_FORMAT)).toBe('{"proxyUrl":"http://u:p@h:1"}');
    expect(() => unseal(blob, "b".repeat(64), EGRESS_FORMAT)).toThrow(expect.objectContaining({ code: "config_invalid" }));
  });

  it("a child logger scrubs the secrets it is given (an account's egress) on top of its parent's", () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), secrets: ["parent-secret-1"] }).child({ account: "a" }, ["proxy-pass-42"]);
    log.info("egress", { url: "http://u:proxy-pass-42@p.example:1", other: "parent-secret-1" });
    expect(lines[0]).not.toContain("proxy-pass-42");
    expect(lines[0]).not.toContain("parent-secret-1");
    expect(lines[0]).toContain('"account":"a"');
  });
});
