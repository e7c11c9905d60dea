/**
 * A short-lived browser for one invocation: one shared context (storage state, request
 * blocking), a fresh page per operation, and guaranteed cleanup with `await using`.
 *
 * ```ts
 * await using session = await openBrowser({ provider: sparticuzProvider(), logger });
 * const title = await session.withPage("probe", (page) => page.goto(url).then(() => page.title()));
 * ```
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { XbotError } from "../errors.js";
import type { Logger } from "../log.js";
import { DEFAULT_ARTIFACT_LIMITS, type ArtifactLimits, type ArtifactSink } from "./artifacts.js";
import { toPageError } from "./page-errors.js";
import type { BrowserProcessInfo, BrowserProvider } from "./provider.js";
import type { ProxySettings } from "./proxy.js";
import { DEFAULT_BLOCKED_RESOURCES, emptyStats, installTrafficControl, planBlocking, type BlockingPlan, type BrowserStats, type ResourceType } from "./request-blocking.js";
import { runPage, type PageRunDeps, type WithPageOptions } from "./run-page.js";
import { parseStorageState, type StorageState } from "./storage-state.js";

/** Options of {@link openBrowser}. */
export interface OpenBrowserOptions {
  /** Where the browser comes from. */
  readonly provider: BrowserProvider;
  /** Egress proxy (at launch, or per context for CDP). */
  readonly proxy?: ProxySettings | undefined;
  /** Resource types to block. Default image and font. `[]` blocks nothing. See request-blocking.ts for how. */
  readonly blockResources?: readonly ResourceType[];
  /** Cookies + origins to start from (the X session). */
  readonly storageState?: StorageState | undefined;
  /** Receives launch, failure and teardown events (never cookie values). */
  readonly logger: Logger;
  /** Where failure artifacts go; none are captured without one. */
  readonly artifacts?: ArtifactSink | undefined;
  /** Overrides of {@link DEFAULT_ARTIFACT_LIMITS}. */
  readonly artifactLimits?: Partial<ArtifactLimits>;
  /** Default for page.goto and friends. Default 20 s. */
  readonly navigationTimeoutMs?: number;
  /** Default withPage budget. Default 30 s. */
  readonly operationTimeoutMs?: number;
}

/** One browser for one invocation. Dispose it (`await using`) or call close(). */
export interface BrowserSession extends AsyncDisposable {
  /** The provider's name. */
  readonly provider: string;
  /** Runs `fn` on a fresh page with its own timeout; see {@link WithPageOptions}. */
  withPage<T>(operation: string, fn: (page: Page) => Promise<T>, options?: WithPageOptions): Promise<T>;
  /** The context's current storage state (rotated cookies included), validated. */
  storageState(): Promise<StorageState>;
  /** Counters since open. */
  stats(): Readonly<BrowserStats>;
  /** The local Chromium process, when the provider launched one. */
  process(): BrowserProcessInfo | undefined;
  /** Closes everything; idempotent, never throws. */
  close(): Promise<void>;
}

/** Connects a browser from the provider and opens the shared context. */
export async function openBrowser(options: OpenBrowserOptions): Promise<BrowserSession> {
  const { provider, logger } = options;
  const blocking = planBlocking(options.blockResources ?? DEFAULT_BLOCKED_RESOURCES, provider.blocksAtLaunch);
  const browser = await provider.connect({ proxy: options.proxy, logger, blockNatively: blocking.native });
  let gone = !browser.isConnected();
  browser.on("disconnected", () => {
    gone = true;
  });
  const stats = emptyStats();
  try {
    const context = await openContext(browser, options, blocking, stats);
    return sessionOver(browser, options, {
      context,
      logger,
      stats,
      artifacts: options.artifacts,
      artifactLimits: { ...DEFAULT_ARTIFACT_LIMITS, ...options.artifactLimits },
      defaultTimeoutMs: options.operationTimeoutMs ?? 30_000,
      navigationTimeoutMs: options.navigationTimeoutMs ?? 20_000,
      browserGone: () => gone,
    });
  } catch (error) {
    await provider.release(browser);
    throw new XbotError("browser_launch", `could not open a browser context: ${String(error)}`.slice(0, 300), { cause: error });
  }
}

/** The BrowserSession facade over a connected browser and its context. */
function sessionOver(browser: Browser, options: OpenBrowserOptions, deps: PageRunDeps): BrowserSession {
  const { provider } = options;
  const info = provider.processOf(browser);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= provider.release(browser).catch(() => {}));
  return {
    provider: provider.name,
    withPage: (operation, fn, pageOptions) => {
      if (closing) return Promise.reject(new XbotError("internal", `${operation}: browser session is closed`));
      return runPage(deps, operation, fn, pageOptions);
    },
    storageState: async () => {
      const state = await deps.context.storageState().catch((error: unknown) => {
        throw toPageError(error, { operation: "storageState", browserGone: deps.browserGone(), timedOut: false, timeoutMs: 0 });
      });
      return parseStorageState(state);
    },
    stats: () => ({ ...deps.stats }),
    process: () => info,
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function openContext(browser: Browser, options: OpenBrowserOptions, blocking: BlockingPlan, stats: BrowserStats): Promise<BrowserContext> {
  const context = await browser.newContext({
    serviceWorkers: "block",
    ...(options.storageState ? { storageState: options.storageState } : {}),
    ...(options.proxy && !options.provider.proxyAtLaunch ? { proxy: { ...options.proxy } } : {}),
  });
  await installTrafficControl(context, blocking.routed, stats);
  return context;
}
