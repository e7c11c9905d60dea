/**
 * A preview deployment pointed at the real X: the effective mode is `shadow (preview)`, and
 * that is what /api/status and the dashboard (real Chromium: header and banner) show, not
 * the configured `live`. No job runs and nothing reaches X (the scheduler is off).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config.js";
import { openBrowser, sparticuzProvider } from "../../lib/browser/index.js";
import { startLocalServer, type LocalServer } from "../../lib/dev/server.js";
import { createLogger } from "../../lib/log.js";
import { effectiveModeLabel } from "../../lib/jobs/mode.js";
import { createTestDatabase, services } from "../support/env.js";

const svc = services();
const ADMIN = "dashboard-preview-token-0123456789";
let server: LocalServer;
let dataDir: string;

describe("effectiveModeLabel", () => {
  it("says shadow (preview) only on a preview kept off the real X", () => {
    expect(effectiveModeLabel(loadConfig({ VERCEL_ENV: "preview", XBOT_X_BASE_URL: "https://x.com" }))).toBe("shadow (preview)");
    expect(effectiveModeLabel(loadConfig({ VERCEL_ENV: "preview", XBOT_X_BASE_URL: "https://x.com", XBOT_ALLOW_PREVIEW_LIVE: "true" }))).toBe("live");
    expect(effectiveModeLabel(loadConfig({ VERCEL_ENV: "preview", XBOT_X_BASE_URL: "http://127.0.0.1:3001" }))).toBe("live");
    expect(effectiveModeLabel(loadConfig({ XBOT_MODE: "dry" }))).toBe("dry");
  });
});

describe.skipIf(!svc.postgres)("the preview's effective mode on /api/status and the dashboard", () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "xbot-dash-preview-"));
    const env = {
      DATABASE_URL: await createTestDatabase("dashprev"),
      XBOT_NEON_HTTP_URL: svc.postgres!.neonHttpUrl,
      XBOT_STATE: "postgres",
      XBOT_DATA_DIR: dataDir,
      XBOT_ADMIN_TOKEN: ADMIN,
      VERCEL_ENV: "preview",
      XBOT_X_BASE_URL: "https://x.com",
      XBOT_X_USER: "somebody",
      XBOT_MODE: "live",
    };
    server = await startLocalServer({ env, port: 0, sandboxPort: 0, scheduler: false, logSink: () => {} });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("shows shadow (preview), not the configured live", { timeout: 90_000 }, async () => {
    const status = (await (await fetch(`${server.url}/api/status`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { account: { mode: string; configuredMode: string } };
    expect(status.account).toMatchObject({ mode: "shadow (preview)", configuredMode: "live" });
    const logger = createLogger({ level: "warn", sink: () => {} });
    await using browser = await openBrowser({ provider: sparticuzProvider(), logger, blockResources: [] });
    await browser.withPage(
      "dashboard-preview",
      async (page) => {
        await page.goto(`${server.url}/`);
        await page.fill("#token", ADMIN);
        await page.click("#login-form button[type=submit]");
        await page.locator("body[data-loaded=true]").waitFor();
        expect(await page.textContent("#where")).toContain("mode shadow (preview)");
        await page.locator("#mode-banner:not([hidden])").waitFor();
        expect(await page.textContent("#mode-banner")).toContain("Effective mode: shadow (preview)");
      },
      { timeoutMs: 60_000 },
    );
  });
});
