/**
 * A remote browser over CDP (Browserless, Browserbase, the operator's own Chrome).
 * We never close the remote browser itself: release closes only the contexts we created,
 * then disconnects.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { XbotError } from "../errors.js";
import { silentLogger } from "../log.js";
import { loadPlaywright } from "./modules.js";
import type { BrowserProvider } from "./provider.js";
import { closeBrowserTree, settlesWithin } from "./teardown.js";

/** Options of {@link cdpProvider}. */
export interface CdpProviderOptions {
  /** Connect timeout. Default 30 s. */
  readonly connectTimeoutMs?: number;
  /** Budget for closing our contexts and disconnecting. Default 5 s. */
  readonly closeTimeoutMs?: number;
}

/** Connects to `endpoint` (ws:// or http:// CDP URL) with `chromium.connectOverCDP`. */
export function cdpProvider(endpoint: string, options: CdpProviderOptions = {}): BrowserProvider {
  if (!endpoint) throw new XbotError("config_invalid", "CDP endpoint is empty");
  const preexisting = new Map<Browser, Set<BrowserContext>>();
  return {
    name: "cdp",
    proxyAtLaunch: false,
    blocksAtLaunch: false,
    async connect(launch) {
      const logger = launch.logger ?? silentLogger;
      let browser: Browser;
      try {
        const { chromium } = await loadPlaywright();
        browser = await chromium.connectOverCDP(endpoint, { timeout: options.connectTimeoutMs ?? 30_000 });
      } catch (error) {
        throw new XbotError("browser_launch", `could not connect over CDP to ${safeEndpoint(endpoint)}`, { cause: error });
      }
      preexisting.set(browser, new Set(browser.contexts()));
      logger.info("browser connected", { provider: "cdp", endpoint: safeEndpoint(endpoint) });
      return browser;
    },
    async release(browser) {
      const keep = preexisting.get(browser);
      if (!keep) return;
      preexisting.delete(browser);
      const ours = (context: BrowserContext): boolean => !keep.has(context);
      const done = await settlesWithin(closeBrowserTree(browser, ours), options.closeTimeoutMs ?? 5_000);
      if (!done) await settlesWithin(browser.close(), 1_000);
    },
    processOf() {
      return undefined;
    },
  };
}

/** The endpoint without credentials or query (tokens often ride in `?token=`). */
function safeEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return "(unparseable endpoint)";
  }
}
