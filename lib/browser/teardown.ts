/**
 * Bounded-time teardown helpers: every close call gets a deadline, because Playwright's
 * close can hang on a wedged browser, and a hung close must never hold a function open.
 */
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, resolve } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";

/** Resolves true when `work` settles within `ms`, false otherwise (rejections count as settled). */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((done) => {
    timer = setTimeout(() => done(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes every page, then the context. Errors are swallowed: the goal is "gone", not "graceful". */
export async function closeContext(context: BrowserContext): Promise<void> {
  await Promise.all(context.pages().map((page) => page.close({ runBeforeUnload: false }).catch(() => {})));
  await context.close().catch(() => {});
}

/** Closes pages, then contexts (all, or only `only`), then the browser connection. */
export async function closeBrowserTree(browser: Browser, only?: (context: BrowserContext) => boolean): Promise<void> {
  const contexts = browser.contexts().filter((context) => (only ? only(context) : true));
  await Promise.all(contexts.map(closeContext));
  await browser.close().catch(() => {});
}

/**
 * SIGKILLs the process group led by `pid` (Playwright spawns Chromium detached), then the pid.
 * Call it only while the child is not yet reaped, so the pid cannot have been reused.
 */
export function killProcessTree(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // ESRCH: already gone.
    }
  }
}

/** Polls until `exited()` is true or `ms` passes; returns whether it exited. */
export async function waitUntil(exited: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!exited()) {
    if (Date.now() >= deadline) return false;
    await new Promise((done) => setTimeout(done, 25));
  }
  return true;
}

/**
 * Removes a per-run temp directory, but only one directly under os.tmpdir() whose name
 * starts with a known per-run prefix (never a caller-supplied profile).
 */
export async function removeRunDir(dir: string | undefined, prefixes: readonly string[]): Promise<void> {
  if (!dir) return;
  const full = resolve(dir);
  if (dirname(full) !== resolve(tmpdir())) return;
  if (!prefixes.some((prefix) => basename(full).startsWith(prefix))) return;
  await rm(full, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
}
