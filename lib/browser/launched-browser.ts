/**
 * One Chromium process we launched ourselves, and its guaranteed teardown.
 *
 * We launch with plain `chromium.launch` (the fastest path) and find the process by a
 * unique marker flag on its command line (Chromium ignores unknown switches). The pid is
 * what we SIGKILL when a graceful close hangs, and what tests check is gone; before any
 * kill the marker is checked again, so a reused pid is never hit.
 */
import { randomUUID } from "node:crypto";
import { constants, readdirSync, readFileSync } from "node:fs";
import { access } from "node:fs/promises";
import type { Browser } from "playwright-core";
import { XbotError } from "../errors.js";
import type { Logger } from "../log.js";
import { loadPlaywright } from "./modules.js";
import type { ProxySettings } from "./proxy.js";
import { isProcessAlive } from "../process.js";
import { closeBrowserTree, killProcessTree, removeRunDir, settlesWithin, waitUntil } from "./teardown.js";

/** Per-run temp directories Playwright creates under os.tmpdir(). */
const RUN_DIR_PREFIXES = ["playwright_chromiumdev_profile-", "playwright-artifacts-"];

/** A launched browser and the process behind it. */
export interface LaunchedBrowser {
  readonly browser: Browser;
  /** Chromium's pid (also its process-group id); undefined where /proc cannot tell (not Linux). */
  readonly pid: number | undefined;
  /** The per-run profile directory Playwright created (from the process command line). */
  readonly userDataDir: string | undefined;
  /** The flag that identifies this run's process. */
  readonly marker: string;
}

/** What {@link launchBrowser} needs. */
export interface LaunchSpec {
  /** Chromium binary. */
  readonly executablePath: string;
  /** Full flag list (see buildChromiumArgs). */
  readonly args: readonly string[];
  /** Browser-wide proxy. */
  readonly proxy?: ProxySettings | undefined;
  /** Launch timeout. */
  readonly timeoutMs: number;
}

/** Launches Chromium. Failures become XbotError("browser_launch"). */
export async function launchBrowser(spec: LaunchSpec): Promise<LaunchedBrowser> {
  // Checked up front: Playwright leaks its temp profile dirs when the binary is missing.
  await access(spec.executablePath, constants.X_OK).catch((error: unknown) => {
    throw new XbotError("browser_launch", `Chromium executable is missing or not executable: ${spec.executablePath}`, { cause: error });
  });
  const { chromium } = await loadPlaywright();
  const marker = `--xbot-run=${randomUUID()}`;
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: spec.executablePath,
      args: [...spec.args, marker],
      headless: true,
      timeout: spec.timeoutMs,
      ...(spec.proxy ? { proxy: { ...spec.proxy } } : {}),
    });
  } catch (error) {
    throw new XbotError("browser_launch", `Chromium did not start: ${firstLine(error)}`, { cause: error });
  }
  const found = findByMarker(marker);
  return { browser, pid: found?.pid, userDataDir: flagValue(found?.args, "--user-data-dir="), marker };
}

/**
 * Tears a launched browser down within about `timeoutMs` + 2 s, whatever state it is in:
 * 1. pages -> contexts -> browser.close() (graceful), bounded by `timeoutMs`;
 * 2. if that hangs or the process survives: SIGKILL its process group and wait for exit;
 * 3. remove the per-run profile and artifacts directories.
 */
export async function releaseLaunched(launched: LaunchedBrowser, timeoutMs: number, logger: Logger): Promise<void> {
  const { browser, pid, marker } = launched;
  // Gone means reaped (Node collects the exit of the child Playwright spawned), not a zombie.
  const gone = (): boolean => pid === undefined || !isProcessAlive(pid);
  const closed = await settlesWithin(closeBrowserTree(browser), timeoutMs);
  if (!closed || !(await waitUntil(gone, 1_000))) {
    logger.warn("browser close hung; killing the browser process", { pid, timeoutMs });
    if (pid !== undefined && isRunning(pid, marker)) killProcessTree(pid);
    if (!(await waitUntil(gone, 2_000))) logger.error("browser process survived SIGKILL", { pid });
  }
  await removeRunDir(launched.userDataDir, RUN_DIR_PREFIXES);
}

/** True while `pid` is alive (not a zombie) and still carries our marker: safe to SIGKILL. */
function isRunning(pid: number, marker: string): boolean {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat || stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return false;
  return readProc(`/proc/${pid}/cmdline`).split("\0").includes(marker);
}

/**
 * The process whose command line carries `marker` (Linux /proc): our own children first
 * (Playwright spawns Chromium from this process), then every process; undefined when none
 * is found. /proc files are in memory, so the reads are synchronous (about 0.1 ms in all).
 */
function findByMarker(marker: string): { pid: number; args: string[] } | undefined {
  const candidates = (read: () => string[]) => {
    for (const entry of read()) {
      if (!/^\d+$/.test(entry)) continue;
      const args = readProc(`/proc/${entry}/cmdline`).split("\0");
      if (args.includes(marker)) return { pid: Number(entry), args };
    }
    return undefined;
  };
  return candidates(() => readProc(`/proc/${process.pid}/task/${process.pid}/children`).split(" ")) ?? candidates(() => listProc());
}

/** A /proc file's text; "" when it is gone (the process exited) or unreadable. */
function readProc(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function listProc(): string[] {
  try {
    return readdirSync("/proc");
  } catch {
    return [];
  }
}

/** The value of `--flag=value` in `args`. */
function flagValue(args: readonly string[] | undefined, prefix: string): string | undefined {
  return args?.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? "").slice(0, 300);
}
