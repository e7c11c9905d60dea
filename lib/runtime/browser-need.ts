/**
 * The `browser` need: a BrowserOpener built from the config. What opening does (provider
 * choice, the stored X session, rotated cookies saved on close) is browser-launch.ts, imported
 * on the first launch: a browser job's function does not load or compile lib/browser's launch
 * code (nor playwright-core and @sparticuz/chromium, lib/browser/modules.ts) before a run opens
 * its browser; a run that skips or is refused never does.
 */
import type { Config } from "../config.js";
import type { Sql } from "../db/sql.js";
import type { BrowserOpener } from "../jobs/context.js";
import { lazyUntilRejected } from "../promise-cache.js";

const loadLaunch = lazyUntilRejected(() => import("./browser-launch.js"));

/** A BrowserOpener for this configuration; `sql` is where the X session is stored. */
export function browserOpenerFrom(config: Config, sql?: Sql): BrowserOpener {
  return async ({ log }) => (await loadLaunch()).openConfiguredBrowser(config, sql, log);
}
