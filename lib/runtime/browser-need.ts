/**
 * The `browser` need: a BrowserOpener built from the config. Provider choice:
 * BROWSER_WS_ENDPOINT (remote CDP) > CHROMIUM_PATH (local executable) > the bundled
 * @sparticuz/chromium. Failure artifacts go under XBOT_DATA_DIR/artifacts.
 */
import { join } from "node:path";
import type { Config } from "../config.js";
import { cdpProvider, fileArtifactSink, localExecutableProvider, openBrowser, parseProxyUrl, sparticuzProvider, type BrowserProvider, type ResourceType } from "../browser/index.js";
import type { BrowserOpener } from "./context.js";

/** The provider the configuration selects. */
export function providerFrom(config: Config): BrowserProvider {
  if (config.BROWSER_WS_ENDPOINT) return cdpProvider(config.BROWSER_WS_ENDPOINT);
  if (config.CHROMIUM_PATH) return localExecutableProvider(config.CHROMIUM_PATH);
  return sparticuzProvider();
}

/** A BrowserOpener for this configuration. */
export function browserOpenerFrom(config: Config): BrowserOpener {
  return ({ log }) => openBrowser({
    provider: providerFrom(config),
    ...(config.XBOT_PROXY_URL ? { proxy: parseProxyUrl(config.XBOT_PROXY_URL) } : {}),
    blockResources: config.XBOT_BLOCK_RESOURCES.split(",").filter(Boolean) as ResourceType[],
    logger: log,
    artifacts: fileArtifactSink(join(config.XBOT_DATA_DIR, "artifacts")),
  });
}
