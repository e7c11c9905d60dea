/**
 * Incidents where the operator looks: `xbot status` lists the open ones with their fix,
 * `xbot alerts test` sends a test alert (and says which host failed), the admin /api/health
 * carries them while the public one stays `{status}` (degraded while an incident is open).
 * The real CLI process (bin/xbot.mjs), real Postgres, a webhook receiver on 127.0.0.1.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthRoute } from "../../lib/runtime/http/health-route.js";
import { createTestDatabase, services } from "../support/env.js";
import { runNode } from "../support/node-process.js";
import { testRuntime } from "../support/runtime.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const svc = services();
const BIN = join(process.cwd(), "bin/xbot.mjs");
const ADMIN = `admin-${randomBytes(12).toString("hex")}`;
let receiver: WebhookReceiver;
let env: Record<string, string>;
const xbot = (args: string[], extra: Record<string, string> = {}) => runNode([BIN, ...args], { env: { ...env, ...extra }, cwd: process.cwd(), timeoutMs: 120_000, label: `xbot ${args.join(" ")}` });

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  if (!svc.postgres) return;
  env = {
    DATABASE_URL: await createTestDatabase("inc"),
    XBOT_NEON_HTTP_URL: svc.postgres.neonHttpUrl,
    XBOT_STATE: "postgres",
    XBOT_PREFIX: `i${randomBytes(4).toString("hex")}`,
    XBOT_DATA_DIR: mkdtempSync(join(tmpdir(), "xbot-inc-")),
    XBOT_ADMIN_TOKEN: ADMIN,
    XBOT_ALERT_WEBHOOK_URL: `${receiver.url}/cli`,
  };
});
afterAll(async () => {
  await receiver.close();
});

describe.skipIf(!svc.postgres)("incidents in status, health and the CLI", () => {
  it("an isolated breaker: xbot status lists it with its fix, admin health carries it, public health says only degraded", { timeout: 180_000 }, async () => {
    expect((await xbot(["breaker", "isolate", "llm"])).code).toBe(0);
    const heal = await xbot(["run", "heal", "--json"]);
    expect(heal.code, heal.stderr).toBe(0);
    const alerts = receiver.received.filter((r) => r.path === "/cli").map((r) => r.body as { event: string; incident: { kind: string } });
    expect(alerts.map((a) => `${a.event}:${a.incident.kind}`)).toEqual(["opened:breaker_isolated"]);

    const status = await xbot(["status"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^status {2}degraded/m);
    expect(status.stdout).toMatch(/^incidents 1 open; alerts 127\.0\.0\.1:\d+ \(json\)$/m);
    expect(status.stdout).toContain("ERROR breaker_isolated llm: breaker llm is isolated by hand");
    expect(status.stdout).toContain("fix: npx xbot breaker reset llm when ready");
    expect(status.stdout).not.toContain(receiver.url);

    const rt = await testRuntime("postgres", { env });
    const { GET } = healthRoute(rt.factory);
    const pub = await GET(new Request("http://xbot.test/api/health"));
    expect(await pub.json()).toEqual({ status: "degraded" });
    const admin = (await (await GET(new Request("http://xbot.test/api/health", { headers: { authorization: `Bearer ${ADMIN}` } }))).json()) as {
      status: string;
      incidents: { open: { kind: string; subject: string; fix: string }[]; alerting: unknown };
    };
    expect(admin.status).toBe("degraded");
    expect(admin.incidents.open.map((i) => [i.kind, i.subject])).toEqual([["breaker_isolated", "llm"]]);
    expect(JSON.stringify(admin.incidents.alerting)).not.toContain("/cli");

    expect((await xbot(["breaker", "reset", "llm"])).code).toBe(0);
    expect((await xbot(["run", "heal"])).code).toBe(0);
    expect(await (await GET(new Request("http://xbot.test/api/health"))).json()).toEqual({ status: "ok" });
    expect((await xbot(["status"])).stdout).toMatch(/^incidents 0 open/m);
  });

  it("xbot alerts test: ok per host, exit 1 with the host and the error when the receiver fails", { timeout: 120_000 }, async () => {
    const ok = await xbot(["alerts", "test"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^ok {4}127\.0\.0\.1:\d+ \(json\)$/m);
    const test = receiver.received
      .filter((r) => r.path === "/cli")
      .map((r) => r.body as { event: string })
      .at(-1);
    expect(test?.event).toBe("test");
    receiver.mode = "fail";
    const failed = await xbot(["alerts", "test"]);
    receiver.mode = "ok";
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^FAIL {2}127\.0\.0\.1:\d+ \(json\): 127\.0\.0\.1:\d+: HTTP 500$/m);
    const none = await xbot(["alerts", "test"], { XBOT_ALERT_WEBHOOK_URL: "" });
    expect(none.code).toBe(1);
    expect(none.stdout + none.stderr).toContain("XBOT_ALERT_WEBHOOK_URL");
    expect((await xbot(["alerts", "bogus"])).code).toBe(2);
  });
});
