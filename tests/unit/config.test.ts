import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../lib/config.js";

describe("loadConfig", () => {
  it("runs on embedded defaults with an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ XBOT_MODE: "live", XBOT_PREFIX: "xbot", XBOT_PORT: 3000, stateBackend: "postgres", isPreview: false });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
    expect(config.XBOT_BLOCK_RESOURCES).toEqual(["image", "font"]);
    expect(loadConfig({ XBOT_BLOCK_RESOURCES: "none" }).XBOT_BLOCK_RESOURCES).toEqual([]);
    expect(loadConfig({ XBOT_BLOCK_RESOURCES: "image, media" }).XBOT_BLOCK_RESOURCES).toEqual(["image", "media"]);
  });

  it("accepts the Vercel Marketplace names and picks Redis state when configured", () => {
    const config = loadConfig({ KV_REST_API_URL: "https://eu1.upstash.io", KV_REST_API_TOKEN: "tok", OPENAI_API_KEY: "sk-1" });
    expect(config).toMatchObject({ UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io", UPSTASH_REDIS_REST_TOKEN: "tok", XBOT_LLM_API_KEY: "sk-1", stateBackend: "redis" });
    expect(loadConfig({ KV_REST_API_URL: "https://a.io", UPSTASH_REDIS_REST_URL: "https://b.io", KV_REST_API_TOKEN: "t" }).UPSTASH_REDIS_REST_URL).toBe("https://b.io");
  });

  it("names every bad variable in ONE error, with no secret values", () => {
    const error = (() => {
      try {
        loadConfig({ DATABASE_URL: "nonsense", UPSTASH_REDIS_REST_URL: "ftp://x", XBOT_MODE: "yolo", CRON_SECRET: "short", XBOT_PORT: "99999", XBOT_BLOCK_RESOURCES: "image,imgs" });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe("config_invalid");
    expect(error.problems.map((p) => p.variable).sort()).toEqual(["CRON_SECRET", "DATABASE_URL", "UPSTASH_REDIS_REST_URL", "XBOT_BLOCK_RESOURCES", "XBOT_MODE", "XBOT_PORT"]);
    expect(error.message).toContain("DATABASE_URL");
    expect(error.message).toContain("UPSTASH_REDIS_REST_URL");
    expect(error.message).not.toContain("nonsense");
    expect(error.message).not.toContain("short");
  });

  it("JSON variables: text that is not JSON names the variable and an example; a wrong field is named too", () => {
    const error = (() => {
      try {
        loadConfig({ XBOT_CAPS: "{postsPerHour: 1", XBOT_X_API_PRICES: "cheap" });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(Object.fromEntries(error.problems.map((p) => [p.variable, p.problem]))).toMatchObject({
      XBOT_CAPS: expect.stringContaining('must be a JSON object of caps, e.g. {"postsPerHour":1}'),
      XBOT_X_API_PRICES: expect.stringContaining('must be a JSON object of dollar prices, e.g. {"post":0.015,"post_url":0.2}'),
    });
    expect(() => loadConfig({ XBOT_X_API_PRICES: '{"post":-1}' })).toThrow(/XBOT_X_API_PRICES/);
    expect(loadConfig({ XBOT_X_API_PRICES: '{"post":0.02}' }).XBOT_X_API_PRICES).toEqual({ post: 0.02 });
  });

  it("checks variables that only make sense together", () => {
    expect(() => loadConfig({ UPSTASH_REDIS_REST_URL: "https://x.io" })).toThrow(/UPSTASH_REDIS_REST_TOKEN/);
    expect(() => loadConfig({ XBOT_STATE: "redis" })).toThrow(/XBOT_STATE/);
    expect(() => loadConfig({ VERCEL_ENV: "production" })).toThrow(/CRON_SECRET/);
    expect(loadConfig({ VERCEL_ENV: "preview" }).isPreview).toBe(true);
  });
});
