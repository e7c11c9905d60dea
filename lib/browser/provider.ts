/**
 * The BrowserProvider port (crawlee browser-pool style): where a browser comes from and how it
 * is given back. Providers: @sparticuz/chromium's bundled binary (default), a local executable
 * (`CHROMIUM_PATH`), and a remote browser over CDP (see cdp-provider.ts).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { ensureChromium } from "./chromium-install.js";
import { XbotError } from "../errors.js";
import { silentLogger, type Logger } from "../log.js";
import { buildChromiumArgs } from "./chromium-flags.js";
import { launchBrowser, releaseLaunched, type LaunchedBrowser } from "./launched-browser.js";
import { loadSparticuz } from "./modules.js";
import { describeProxy, type ProxySettings } from "./proxy.js";
import { nativeBlockFlags, type ResourceType } from "./request-blocking.js";

export { cdpProvider, type CdpProviderOptions } from "./cdp-provider.js";

/** What a caller asks of {@link BrowserProvider.connect}. */
export interface LaunchOptions {
  /** Egress proxy. Launching providers apply it to the browser; CDP applies it per context. */
  readonly proxy?: ProxySettings | undefined;
  /** Where provider events go. Default: silent. */
  readonly logger?: Logger | undefined;
  /** Resource types to block by launch flag; only when {@link BrowserProvider.blocksAtLaunch}. */
  readonly blockNatively?: readonly ResourceType[] | undefined;
}

/** A source of browsers. `release` must leave nothing behind that `connect` created. */
export interface BrowserProvider {
  /** Short name for logs and health ("sparticuz", "local", "cdp"). */
  readonly name: string;
  /** True when `connect` applied the proxy; false means the caller must set it per context. */
  readonly proxyAtLaunch: boolean;
  /** True when `connect` launches the browser, so it can block images and fonts by flag (see request-blocking.ts). */
  readonly blocksAtLaunch: boolean;
  /** Gives a connected browser. Failures are XbotError("browser_launch"). */
  connect(options: LaunchOptions): Promise<Browser>;
  /** Closes what `connect` opened, in bounded time. Never throws. */
  release(browser: Browser): Promise<void>;
  /** The local process behind a browser this provider launched; undefined for remote ones. */
  processOf(browser: Browser): BrowserProcessInfo | undefined;
}

/** The local Chromium process of a launched browser (diagnostics and leak tests). */
export interface BrowserProcessInfo {
  /** Chromium's pid, which is also its process-group id. */
  readonly pid: number | undefined;
  /** The per-run profile directory. */
  readonly userDataDir: string | undefined;
}

/** Options shared by the launching providers. */
export interface LaunchingProviderOptions {
  /** Flags added after the defaults. */
  readonly extraArgs?: readonly string[];
  /** Launch + connect timeout. Default 30 s. */
  readonly launchTimeoutMs?: number;
  /** Graceful-close budget before the process is SIGKILLed. Default 5 s. */
  readonly closeTimeoutMs?: number;
}

/**
 * Launches @sparticuz/chromium's bundled binary, unpacked into os.tmpdir() on first use and
 * verified before every launch (chromium-install.ts: a broken unpack is repaired once).
 * Graphics are off: no WebGL and no GPU process ({@link NO_GPU_FLAGS}), so swiftshader (the
 * software GL @sparticuz/chromium ships) is neither unpacked nor deployed; pages still render
 * and screenshot through Skia's CPU path.
 */
export function sparticuzProvider(options: LaunchingProviderOptions = {}): BrowserProvider {
  return launchingProvider(
    "sparticuz",
    async (logger) => {
      const { default: Sparticuz } = await loadSparticuz();
      Sparticuz.setGraphicsMode = false;
      const path = await ensureChromium(sparticuzBinDir(), { onRepair: (reason) => logger.warn("chromium.repair", { reason, action: "removed and unpacked again" }) });
      return { path, args: [...Sparticuz.args, ...NO_GPU_FLAGS] };
    },
    options,
  );
}

/** Without swiftshader's libGLESv2.so next to the binary, Chromium starts only with all three (checked here on 147). */
export const NO_GPU_FLAGS = ["--use-angle=disabled", "--disable-gpu", "--disable-software-rasterizer"] as const;

/** The directory of @sparticuz/chromium's brotli files. */
export function sparticuzBinDir(): string {
  return join(dirname(fileURLToPath(import.meta.resolve("@sparticuz/chromium"))), "..", "..", "bin");
}

/** Launches a Chromium at `executablePath` (for example CHROMIUM_PATH). */
export function localExecutableProvider(executablePath: string, options: LaunchingProviderOptions = {}): BrowserProvider {
  if (!executablePath) throw new XbotError("config_invalid", "local Chromium executable path is empty");
  return launchingProvider("local", async () => ({ path: executablePath, args: [] }), options);
}

type Resolve = (logger: Logger) => Promise<{ path: string; args: readonly string[] }>;

function launchingProvider(name: string, resolveExecutable: Resolve, options: LaunchingProviderOptions): BrowserProvider {
  const launched = new Map<Browser, { run: LaunchedBrowser; logger: Logger }>();
  const closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
  return {
    name,
    proxyAtLaunch: true,
    blocksAtLaunch: true,
    async connect(launch) {
      const logger = launch.logger ?? silentLogger;
      const executable = await resolveExecutable(logger).catch((error: unknown) => {
        throw new XbotError("browser_launch", `Chromium executable unavailable: ${String(error)}`, { cause: error });
      });
      const started = performance.now();
      const run = await launchBrowser({
        executablePath: executable.path,
        args: buildChromiumArgs(executable.args, [...nativeBlockFlags(launch.blockNatively ?? []), ...(options.extraArgs ?? [])]),
        proxy: launch.proxy,
        timeoutMs: options.launchTimeoutMs ?? 30_000,
      });
      launched.set(run.browser, { run, logger });
      logger.info("browser launched", { provider: name, pid: run.pid, ms: Math.round(performance.now() - started), proxy: describeProxy(launch.proxy), blockedAtLaunch: launch.blockNatively ?? [] });
      return run.browser;
    },
    async release(browser) {
      const entry = launched.get(browser);
      if (!entry) return;
      launched.delete(browser);
      await releaseLaunched(entry.run, closeTimeoutMs, entry.logger);
    },
    processOf(browser) {
      const run = launched.get(browser)?.run;
      return run ? { pid: run.pid, userDataDir: run.userDataDir } : undefined;
    },
  };
}
