/**
 * lib/browser: providers, short-lived browser sessions with withPage, failure artifacts,
 * request blocking, and the encrypted X session.
 */
export { fileArtifactSink, trimHtml, DEFAULT_ARTIFACT_LIMITS, type Artifact, type ArtifactLimits, type ArtifactSink } from "./artifacts.js";
export { buildChromiumArgs, OFFLINE_FLAGS, UNSAFE_FLAGS } from "./chromium-flags.js";
export { toPageError, looksLikeCrash } from "./page-errors.js";
export {
  cdpProvider,
  localExecutableProvider,
  sparticuzProvider,
  type BrowserProcessInfo,
  type BrowserProvider,
  type CdpProviderOptions,
  type LaunchingProviderOptions,
  type LaunchOptions,
} from "./provider.js";
export { describeProxy, parseProxyUrl, type ProxySettings } from "./proxy.js";
export { DEFAULT_BLOCKED_RESOURCES, NATIVE_BLOCK_FLAGS, RESOURCE_TYPES, type BrowserStats, type ResourceType } from "./request-blocking.js";
export type { WithPageOptions } from "./run-page.js";
export { openBrowser, type BrowserSession, type OpenBrowserOptions } from "./session-browser.js";
export {
  decryptSession,
  encryptSession,
  parseSessionKey,
  parseStorageState,
  sessionCookieSummary,
  X_SESSION_COOKIES,
  type SessionCookieSummary,
  type StorageState,
} from "./session.js";
