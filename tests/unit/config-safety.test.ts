/** The safety settings of the configuration: review default, domains, reply hours; bad values named together. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../lib/config.js";

describe("safety configuration", () => {
  it("reviews replies by default only when an LLM is configured", () => {
    expect(loadConfig({}).reviewMode).toBe("none");
    expect(loadConfig({ XBOT_LLM_API_KEY: "k" }).reviewMode).toBe("replies");
    expect(loadConfig({ XBOT_LLM_API_KEY: "k", XBOT_REVIEW: "none" }).reviewMode).toBe("none");
    expect(loadConfig({ XBOT_REVIEW: "all" }).reviewMode).toBe("all");
  });

  it("parses domains, hours and caps with their defaults", () => {
    expect(loadConfig({})).toMatchObject({
      XBOT_LINK_DOMAINS: [],
      XBOT_ALLOW_CASHTAGS: false,
      XBOT_X_VISITS_PER_DAY: 60,
      XBOT_GHOST_SCAN_HOURS: 6,
      XBOT_REPLIES_POLL_MINUTES: 90,
      XBOT_REPLY_HOURS: { start: 8, end: 22 },
      XBOT_REVIEW_HOURS: 24,
    });
    expect(loadConfig({ XBOT_LINK_DOMAINS: "Example.org, *.docs.example.com" }).XBOT_LINK_DOMAINS).toEqual(["example.org", "docs.example.com"]);
    expect(loadConfig({ XBOT_REPLY_HOURS: "22-6" }).XBOT_REPLY_HOURS).toEqual({ start: 22, end: 6 });
  });

  it("names every bad safety variable at once", () => {
    let error: unknown;
    try {
      loadConfig({ XBOT_REVIEW: "some", XBOT_LINK_DOMAINS: "not a domain", XBOT_REPLY_HOURS: "morning", XBOT_X_VISITS_PER_DAY: "0" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(["XBOT_LINK_DOMAINS", "XBOT_REPLY_HOURS", "XBOT_REVIEW", "XBOT_X_VISITS_PER_DAY"]);
  });
});
