/**
 * The dashboard's account switcher in real Chromium, served by the local server on real
 * Postgres: hidden for the env's single account; with accounts rows it lists them, and
 * choosing one shows that account's view (/api/status?account=<id>), kept for the tab.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, sparticuzProvider } from "../../lib/browser/index.js";
import { insertAccount } from "../../lib/db/accounts.js";
import { insertRun } from "../../lib/db/runs.js";
import { startLocalServer, type LocalServer } from "../../lib/dev/server.js";
import { createLogger } from "../../lib/log.js";
import { createTestDatabase, services } from "../support/env.js";

const svc = services();
const ADMIN = "dashboard-accounts-token-0123456789";
let server: LocalServer;
let dataDir: string;

describe.skipIf(!svc.postgres)("dashboard account switcher", () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "xbot-dash-acct-"));
    const env = { DATABASE_URL: await createTestDatabase("dashacct"), XBOT_NEON_HTTP_URL: svc.postgres!.neonHttpUrl, XBOT_STATE: "postgres", XBOT_DATA_DIR: dataDir, XBOT_ADMIN_TOKEN: ADMIN };
    server = await startLocalServer({ env, port: 0, sandboxPort: 0, scheduler: false, logSink: () => {} });
  });
  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("hidden with no accounts rows; lists the accounts and switches the view to one", { timeout: 90_000 }, async () => {
    const { sql } = server.local.deps.clients;
    const problems: string[] = [];
    await using browser = await openBrowser({ provider: sparticuzProvider(), logger: createLogger({ level: "warn", sink: () => {} }), blockResources: [] });
    await browser.withPage(
      "dashboard",
      async (page) => {
        page.on("pageerror", (error) => problems.push(error.message));
        await page.goto(`${server.url}/`);
        await page.fill("#token", ADMIN);
        await page.click("#login-form button[type=submit]");
        await page.locator("body[data-loaded=true]").waitFor();
        expect(await page.locator("#account").isHidden()).toBe(true);

        await insertAccount(sql, { id: "acme", handle: "acme_co" });
        await insertAccount(sql, { id: "beta", handle: "beta_co", status: "paused" });
        const at = new Date();
        await insertRun(sql, {
          id: "post_acme_1",
          accountId: "acme",
          job: "post",
          trigger: "cron",
          mode: "live",
          status: "ok",
          reason: null,
          errorCode: null,
          summary: {},
          artifactId: null,
          startedAt: at,
          endedAt: at,
        });
        await page.evaluate(() => document.body.removeAttribute("data-loaded"));
        await page.click("#refresh");
        await page.locator("body[data-loaded=true]").waitFor();
        expect(await page.locator("#account option").allTextContents()).toEqual(["env account", "acme (@acme_co)", "beta (@beta_co, paused)"]);

        const seen = page.waitForResponse((r) => r.url().endsWith("/api/status?account=acme"));
        await page.evaluate(() => document.body.removeAttribute("data-loaded"));
        await page.selectOption("#account", "acme");
        expect((await seen).status()).toBe(200);
        await page.locator("body[data-loaded=true]").waitFor();
        expect(await page.evaluate(() => sessionStorage.getItem("xbot.account"))).toBe("acme");
        expect(await page.inputValue("#account")).toBe("acme");
        expect(await page.textContent("#where")).toContain("@acme_co");
      },
      { timeoutMs: 60_000 },
    );
    expect(problems).toEqual([]);
  });
});
