/** Alert format detection, the send schedule (open, remind, resolve) and the alert variables' config errors. */
import { describe, expect, it } from "vitest";
import { ConfigError, configSecrets, loadConfig } from "../../lib/config.js";
import { formatFor } from "../../lib/runtime/alert-format.js";
import { alertTargets, pendingSends } from "../../lib/runtime/alert-delivery.js";
import type { Incident } from "../../lib/db/incidents.js";

const SLACK = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX";
const DISCORD = "https://discord.com/api/webhooks/123/abcdefABCDEF";

describe("formatFor", () => {
  it.each([
    [SLACK, "slack"],
    [DISCORD, "discord"],
    ["https://discordapp.com/api/webhooks/1/x", "discord"],
    ["https://ptb.discord.com/api/webhooks/1/x", "discord"],
    ["https://discord.com/channels/1", "json"],
    ["https://hooks.slack.com.evil.test/services/x", "json"],
    ["https://example.com/hook", "json"],
  ] as const)("%s -> %s", (url, format) => expect(formatFor(url, undefined)).toBe(format));

  it("XBOT_ALERT_FORMAT wins over the host", () => expect(formatFor(SLACK, "json")).toBe("json"));
});

describe("alert config", () => {
  it("a comma list of URLs, each a secret; the format per URL", () => {
    const config = loadConfig({ XBOT_ALERT_WEBHOOK_URL: `${SLACK}, ${DISCORD},https://example.com/h` });
    expect(alertTargets(config).map((t) => [t.host, t.format])).toEqual([
      ["hooks.slack.com", "slack"],
      ["discord.com", "discord"],
      ["example.com", "json"],
    ]);
    expect(configSecrets(config)).toEqual(expect.arrayContaining([SLACK, DISCORD]));
    expect(config.XBOT_ALERT_REMIND_HOURS).toBe(6);
  });

  it("a URL's own #format= fragment wins over XBOT_ALERT_FORMAT and the host, and is stripped from the URL sent", () => {
    const config = loadConfig({ XBOT_ALERT_FORMAT: "json", XBOT_ALERT_WEBHOOK_URL: `${SLACK}#format=discord,https://example.com/h#format=slack,https://example.com/h` });
    expect(alertTargets(config).map((t) => [t.url, t.format])).toEqual([
      [SLACK, "discord"],
      ["https://example.com/h", "slack"],
      ["https://example.com/h", "json"],
    ]);
    expect(new Set(alertTargets(config).map((t) => t.id)).size).toBe(3);
  });

  it("bad values name every bad variable and never echo the URL", () => {
    let error: unknown;
    try {
      loadConfig({ XBOT_ALERT_WEBHOOK_URL: "https://ok.test/x,ftp://secret-token-here", XBOT_ALERT_FORMAT: "teams", XBOT_ALERT_REMIND_HOURS: "0" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ["XBOT_ALERT_WEBHOOK_URL", "XBOT_ALERT_FORMAT", "XBOT_ALERT_REMIND_HOURS"]) expect(message).toContain(name);
    expect(message).not.toContain("secret-token-here");
  });
});

describe("pendingSends", () => {
  const [target] = alertTargets(loadConfig({ XBOT_ALERT_WEBHOOK_URL: "https://example.com/h" }));
  const t0 = Date.parse("2026-01-01T00:00:00Z");
  const H = 3_600_000;
  const incident = (over: Partial<Incident> = {}): Incident => ({
    id: "1",
    dedupeKey: "k:s",
    kind: "k",
    subject: "s",
    severity: "error",
    message: "m",
    fix: "f",
    sourceRun: null,
    sourceItem: null,
    openedAt: new Date(t0),
    lastSeenAt: new Date(t0),
    resolvedAt: null,
    sent: {},
    deliveryError: null,
    deliveryErrorAt: null,
    ...over,
  });
  const stages = (i: Incident, now: number) => pendingSends(i, [target!], now, 6 * H).map((p) => p.stage);

  it("open once, then nothing until the remind interval, then one reminder per interval", () => {
    expect(stages(incident(), t0)).toEqual(["open"]);
    const opened = { [`open:${target!.id}`]: "x" };
    expect(stages(incident({ sent: opened }), t0 + 5 * H)).toEqual([]);
    expect(stages(incident({ sent: opened }), t0 + 6 * H)).toEqual(["remind1"]);
    expect(stages(incident({ sent: { ...opened, [`remind1:${target!.id}`]: "x" } }), t0 + 7 * H)).toEqual([]);
    expect(stages(incident({ sent: { ...opened, [`remind1:${target!.id}`]: "x" } }), t0 + 12 * H)).toEqual(["remind2"]);
  });

  it("resolve once where the opening was sent, or when it came and went within the hour; never for old unannounced ones", () => {
    const resolvedAt = new Date(t0 + H);
    expect(stages(incident({ resolvedAt, sent: { [`open:${target!.id}`]: "x" } }), t0 + 30 * H)).toEqual(["resolve"]);
    expect(stages(incident({ resolvedAt, sent: { [`open:${target!.id}`]: "x", [`resolve:${target!.id}`]: "x" } }), t0 + 30 * H)).toEqual([]);
    expect(stages(incident({ resolvedAt }), t0 + H + 60_000)).toEqual(["resolve"]);
    expect(stages(incident({ resolvedAt }), t0 + 3 * H)).toEqual([]);
  });
});
