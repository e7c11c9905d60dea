/**
 * The stored X session end to end: REAL bundled Chromium, the sandbox x.com and real Postgres.
 * Import validates by really opening the site; a bad cookie stores nothing; the runtime's
 * browser opener starts logged in from the stored session and saves rotated cookies on close.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isProcessAlive as alive } from "../support/services.js";
import { openBrowser, sparticuzProvider, type BrowserSession, type StorageState } from "../../lib/browser/index.js";
import { loadConfig, type Config } from "../../lib/config.js";
import type { Sql } from "../../lib/db/sql.js";
import { sessionVault } from "../../lib/db/x-sessions.js";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { XbotError } from "../../lib/errors.js";
import { createLogger } from "../../lib/log.js";
import { browserOpenerFrom } from "../../lib/runtime/browser-need.js";
import { checkSession, type XSite } from "../../lib/x/index.js";
import { importSession, loadSession, validateWithBrowser } from "../../lib/x/session-store.js";
import { services } from "../support/env.js";
import { postgresSql } from "../support/stores.js";

const T = { timeout: 60_000 };
const svc = services();
const KEY = randomBytes(32).toString("hex");
const logLines: string[] = [];
const logger = createLogger({ level: "debug", sink: (line) => logLines.push(line) });

let sb: Sandbox;
let sql: Sql;
let dataDir: string;
const pids: number[] = [];

const site = (): XSite => ({ baseUrl: sb.url, user: sb.user, typing: "fill", waitMs: 5_000, logger });

/** Opens a sparticuz browser from `state`, remembering its pid for the leak check. */
async function openFrom(state: StorageState): Promise<BrowserSession> {
  const session = await openBrowser({ provider: sparticuzProvider({ closeTimeoutMs: 2_000 }), logger, storageState: state });
  const pid = session.process()?.pid;
  if (pid !== undefined) pids.push(pid);
  return session;
}

function configFor(accountId: string, key: string | undefined = KEY): Config {
  return loadConfig({
    XBOT_ACCOUNT_ID: accountId,
    XBOT_SESSION_KEY: key,
    XBOT_X_BASE_URL: sb.url,
    XBOT_X_USER: sb.user,
    XBOT_TYPING: "fill",
    XBOT_DATA_DIR: dataDir,
  });
}

const withAuth = (value: string): StorageState => {
  const state = sb.storageState();
  return { ...state, cookies: state.cookies.map((c) => (c.name === "auth_token" ? { ...c, value } : c)) };
};

async function failure(work: Promise<unknown>): Promise<XbotError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(XbotError);
  return error as XbotError;
}

const rowCount = async (accountId: string): Promise<number> => (await sql.query("SELECT 1 FROM x_sessions WHERE account_id = $1", [accountId])).length;

describe.skipIf(!svc.postgres)("stored X session against the sandbox with real Chromium", () => {
  beforeAll(async () => {
    sb = await createSandbox();
    sql = await postgresSql();
    dataDir = mkdtempSync(join(tmpdir(), "xbot-session-e2e-"));
  });

  afterAll(async () => {
    await sb?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(logLines.join("\n")).not.toContain(sb.authToken);
  });

  it("imports the sandbox session after checking it in a real browser", T, async () => {
    const validate = validateWithBrowser(openFrom, site());
    const imported = await importSession(sessionVault(sql), { accountId: "sb-ok", key: KEY, state: JSON.stringify(sb.storageState()), validate, logger });
    expect(imported.username).toBe(sb.user);
    const loaded = await loadSession(sessionVault(sql), "sb-ok", KEY);
    expect(loaded?.username).toBe(sb.user);
    expect(loaded?.state.cookies.find((c) => c.name === "auth_token")?.value).toBe(sb.authToken);
    const [row] = await sql.query<{ blob: string }>("SELECT blob FROM x_sessions WHERE account_id = 'sb-ok'");
    expect(row?.blob).not.toContain(sb.authToken);
  });

  it("an edited (wrong) auth_token is session_expired and stores nothing", T, async () => {
    const validate = validateWithBrowser(openFrom, site());
    const error = await failure(importSession(sessionVault(sql), { accountId: "sb-bad", key: KEY, state: withAuth("0".repeat(40)), validate, logger }));
    expect(error.code).toBe("session_expired");
    expect(await rowCount("sb-bad")).toBe(0);
    expect(JSON.stringify(error)).not.toContain(sb.authToken);
  });

  it("the runtime opener starts logged in from the stored session; unchanged cookies are not rewritten", T, async () => {
    await importSession(sessionVault(sql), { accountId: "sb-run", key: KEY, state: sb.storageState(), validate: validateWithBrowser(openFrom, site()) });
    const [before] = await sql.query<{ blob: string }>("SELECT blob FROM x_sessions WHERE account_id = 'sb-run'");
    const open = browserOpenerFrom(configFor("sb-run"), sql);
    {
      await using session = await open({ log: logger, signal: new AbortController().signal });
      const pid = session.process()?.pid;
      if (pid !== undefined) pids.push(pid);
      expect(await session.withPage("check", (page) => checkSession(page, site()))).toEqual({ loggedIn: true, user: sb.user });
      expect(await session.withPage("check-again", (page) => checkSession(page, site()))).toEqual({ loggedIn: true, user: sb.user });
    }
    const [after] = await sql.query<{ blob: string }>("SELECT blob FROM x_sessions WHERE account_id = 'sb-run'");
    expect(after?.blob).toBe(before?.blob);
    expect(logLines.some((l) => l.includes('"x.session.rotation"') && l.includes('"unchanged"'))).toBe(true);
  });

  it("cookies the site rotates during a run are saved when the browser closes", T, async () => {
    await importSession(sessionVault(sql), { accountId: "sb-rot", key: KEY, state: sb.storageState(), validate: validateWithBrowser(openFrom, site()) });
    const open = browserOpenerFrom(configFor("sb-rot"), sql);
    const session = await open({ log: logger, signal: new AbortController().signal });
    const pid = session.process()?.pid;
    if (pid !== undefined) pids.push(pid);
    await session.withPage("rotate", async (page) => {
      await checkSession(page, site());
      await page.evaluate(() => {
        // biome-ignore lint/suspicious/noDocumentCookie: the test rotates ct0 the way x.com's own script does
        document.cookie = "ct0=rotatedct0value; path=/";
      });
    });
    await session.close();
    await session.close();
    if (pid !== undefined) expect(alive(pid)).toBe(false);
    const loaded = await loadSession(sessionVault(sql), "sb-rot", KEY);
    expect(loaded?.state.cookies.filter((c) => c.name === "ct0").map((c) => c.value)).toEqual(["rotatedct0value"]);
    expect(loaded?.state.cookies.find((c) => c.name === "auth_token")?.value).toBe(sb.authToken);
    expect(await failure(session.withPage("late", async () => 1))).toMatchObject({ code: "internal" });
  });

  it("no stored session: the browser opens logged out; a wrong key fails before any launch", T, async () => {
    const open = browserOpenerFrom(configFor("sb-none"), sql);
    {
      await using session = await open({ log: logger, signal: new AbortController().signal });
      const pid = session.process()?.pid;
      if (pid !== undefined) pids.push(pid);
      expect((await failure(session.withPage("check", (page) => checkSession(page, site())))).code).toBe("session_expired");
    }
    expect(await rowCount("sb-none")).toBe(0);
    const wrong = browserOpenerFrom(configFor("sb-ok", randomBytes(32).toString("hex")), sql);
    const error = await failure(wrong({ log: logger, signal: new AbortController().signal }));
    expect(error.code).toBe("config_invalid");
    expect(error.details).toMatchObject({ reason: "auth_failed" });
  });
});
