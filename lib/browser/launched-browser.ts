/**
 * One Chromium process we launched ourselves, and its guaranteed teardown.
 *
 * We launch with `chromium.launchServer` (bound to 127.0.0.1) and connect to it, instead of
 * `chromium.launch`, because only the BrowserServer exposes the child process: that gives us
 * a pid to SIGKILL when a graceful close hangs, and a way to assert nothing is left behind.
 */
import { constants } from "node:fs";
import { access, readFile } from "node:fs/promises";
import type { Browser, BrowserServer } from "playwright-core";
import { XbotError } from "../errors.js";
import type { Logger } from "../log.js";
import type { ProxySettings } from "./proxy.js";
import { closeBrowserTree, killProcessTree, removeRunDir, settlesWithin, waitUntil } from "./teardown.js";

/** Per-run temp directories Playwright creates under os.tmpdir(). */
const RUN_DIR_PREFIXES = ["playwright_chromiumdev_profile-", "playwright-artifacts-"];

/** A launched browser: the client connection plus the process behind it. */
export interface LaunchedBrowser {
  /** The client connection (over a 127.0.0.1 WebSocket). */
  readonly browser: Browser;
  /** The in-process server that owns the Chromium child process. */
  readonly server: BrowserServer;
  /** Chromium's pid (also its process-group id). */
  readonly pid: number | undefined;
  /** The per-run profile directory Playwright created (from the process command line). */
  readonly userDataDir: string | undefined;
}

/** What {@link launchBrowser} needs. */
export interface LaunchSpec {
  /** Chromium binary. */
  readonly executablePath: string;
  /** Full flag list (see buildChromiumArgs). */
  readonly args: readonly string[];
  /** Browser-wide proxy. */
  readonly proxy?: ProxySettings | undefined;
  /** Launch + connect timeout. */
  readonly timeoutMs: number;
}

/** Launches Chromium and connects to it. Failures become XbotError("browser_launch"). */
export async function launchBrowser(spec: LaunchSpec): Promise<LaunchedBrowser> {
  // Checked up front: Playwright leaks its temp profile dirs when the binary is missing.
  await access(spec.executablePath, constants.X_OK).catch((error: unknown) => {
    throw new XbotError("browser_launch", `Chromium executable is missing or not executable: ${spec.executablePath}`, { cause: error });
  });
  const { chromium } = await import("playwright-core");
  let server: BrowserServer;
  try {
    server = await chromium.launchServer({
      executablePath: spec.executablePath,
      args: [...spec.args],
      headless: true,
      host: "127.0.0.1",
      timeout: spec.timeoutMs,
      ...(spec.proxy ? { proxy: { ...spec.proxy } } : {}),
    });
  } catch (error) {
    throw new XbotError("browser_launch", `Chromium did not start: ${firstLine(error)}`, { cause: error });
  }
  const pid = server.process().pid;
  const userDataDir = pid === undefined ? undefined : await readUserDataDir(pid);
  try {
    const browser = await chromium.connect(server.wsEndpoint(), { timeout: spec.timeoutMs });
    return { browser, server, pid, userDataDir };
  } catch (error) {
    await settlesWithin(server.kill(), 3_000);
    throw new XbotError("browser_launch", `could not connect to Chromium: ${firstLine(error)}`, { cause: error });
  }
}

/**
 * Tears a launched browser down within about `timeoutMs` + 3 s, whatever state it is in:
 * 1. pages -> contexts -> connection -> server.close() (graceful), bounded by `timeoutMs`;
 * 2. if that hangs or the process survives: server.kill() (SIGKILL to the process group);
 * 3. if even that does not finish: SIGKILL the group by pid ourselves and wait for exit;
 * 4. remove the per-run profile and artifacts directories.
 */
export async function releaseLaunched(launched: LaunchedBrowser, timeoutMs: number, logger: Logger): Promise<void> {
  const { browser, server, pid } = launched;
  const child = server.process();
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const graceful = async (): Promise<void> => {
    await closeBrowserTree(browser);
    await server.close();
  };
  const closed = await settlesWithin(graceful(), timeoutMs);
  if (!closed || !exited()) {
    logger.warn("browser close hung; killing the browser process", { pid, timeoutMs });
    await settlesWithin(server.kill(), 2_000);
  }
  if (pid !== undefined && !exited()) {
    killProcessTree(pid);
    if (!(await waitUntil(exited, 2_000))) logger.error("browser process survived SIGKILL", { pid });
  }
  await removeRunDir(launched.userDataDir, RUN_DIR_PREFIXES);
}

/** Reads `--user-data-dir=` from /proc (Linux); undefined elsewhere. */
async function readUserDataDir(pid: number): Promise<string | undefined> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  const flag = cmdline.split("\0").find((arg) => arg.startsWith("--user-data-dir="));
  return flag?.slice("--user-data-dir=".length);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? "").slice(0, 300);
}
