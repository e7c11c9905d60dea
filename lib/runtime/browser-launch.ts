/**
 * What a BrowserOpener does when a run opens its browser (browser-need.ts imports this on
 * first launch, so a browser function's cold start does not load or compile lib/browser's
 * launch code). Provider choice:
 * BROWSER_WS_ENDPOINT (remote CDP) > CHROMIUM_PATH (local executable) > the bundled
 * @sparticuz/chromium. Failure artifacts go to the artifacts table (served by /api/artifacts);
 * without a database, under XBOT_DATA_DIR/artifacts.
 *
 * With XBOT_SESSION_KEY set, the stored X session of XBOT_ACCOUNT_ID (x_sessions) is loaded
 * and the browser starts from it; closing that browser first saves rotated cookies back
 * (best effort, bounded, never throws). A wrong key fails the open with `config_invalid`.
 */
import { join } from "node:path";
import type { Config } from "../config.js";
import {
  cdpProvider,
  fileArtifactSink,
  localExecutableProvider,
  openBrowser,
  parseProxyUrl,
  sparticuzProvider,
  type BrowserProvider,
  type BrowserSession,
  type StorageState,
} from "../browser/index.js";
import type { Sql } from "../db/sql.js";
import { dbArtifactSink } from "../db/artifacts.js";
import { sessionVault } from "../db/x-sessions.js";
import { XbotError } from "../errors.js";
import type { Logger } from "../log.js";
import { loadSession, saveRotatedSession } from "../x/session-store.js";

/** How long closing may spend reading and saving rotated cookies before it gives up. */
const ROTATION_BUDGET_MS = 5_000;

/** The provider the configuration selects. */
export function providerFrom(config: Config): BrowserProvider {
  if (config.BROWSER_WS_ENDPOINT) return cdpProvider(config.BROWSER_WS_ENDPOINT);
  if (config.CHROMIUM_PATH) return localExecutableProvider(config.CHROMIUM_PATH);
  return sparticuzProvider();
}

/** Opens the browser this configuration selects, logged in from the stored session when there is one; `sql` is where the X session is stored. */
export async function openConfiguredBrowser(config: Config, sql: Sql | undefined, log: Logger): Promise<BrowserSession> {
  const key = config.XBOT_SESSION_KEY;
  const stored = key && sql ? await loadSession(sessionVault(sql), config.XBOT_ACCOUNT_ID, key) : null;
  if (key && sql && !stored) log.info("x.session.none_stored", { accountId: config.XBOT_ACCOUNT_ID });
  const session = await openBrowser({
    provider: providerFrom(config),
    ...(config.XBOT_PROXY_URL ? { proxy: parseProxyUrl(config.XBOT_PROXY_URL) } : {}),
    blockResources: config.XBOT_BLOCK_RESOURCES,
    ...(stored ? { storageState: stored.state } : {}),
    logger: log,
    artifacts: sql ? dbArtifactSink(sql) : fileArtifactSink(join(config.XBOT_DATA_DIR, "artifacts")),
  });
  if (!stored || !key || !sql) return session;
  return savingRotatedCookies(session, (state) => saveRotatedSession(sessionVault(sql), config.XBOT_ACCOUNT_ID, key, state), log);
}

/**
 * Wraps a session so that close / asyncDispose first saves its current storage state with
 * `save` (skipped when no page was opened), then closes. Saving is bounded by
 * {@link ROTATION_BUDGET_MS}, logged on failure and never throws.
 */
export function savingRotatedCookies(session: BrowserSession, save: (state: StorageState) => Promise<string>, log: Logger): BrowserSession {
  let closing: Promise<void> | undefined;
  const persist = async (): Promise<void> => {
    if (session.stats().pagesOpened === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ROTATION_BUDGET_MS} ms`)), ROTATION_BUDGET_MS);
    });
    try {
      const outcome = await Promise.race([session.storageState().then(save), budget]);
      log.info("x.session.rotation", { outcome });
    } catch (error) {
      log.warn("x.session.rotation_failed", { error: error instanceof Error ? { name: error.name, message: error.message.slice(0, 200) } : String(error) });
    } finally {
      clearTimeout(timer);
    }
  };
  const close = (): Promise<void> => (closing ??= persist().finally(() => session.close()));
  return {
    provider: session.provider,
    withPage: (operation, fn, options) => (closing ? Promise.reject(new XbotError("internal", `${operation}: browser session is closed`)) : session.withPage(operation, fn, options)),
    storageState: () => session.storageState(),
    stats: () => session.stats(),
    process: () => session.process(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
