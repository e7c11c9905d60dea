/**
 * A cross-process lock on one machine: a lock file created with O_EXCL holding the owner's
 * pid. A lock whose owner is gone (killed mid-unpack) is taken over. Correctness never rests
 * on the lock alone: what it guards writes to unique temporary names and renames them into
 * place, so a rare double takeover costs duplicate work, never a broken file.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { XbotError } from "../errors.js";
import { isProcessAlive } from "../process.js";

/** Runs `fn` holding the lock at `path`; waits up to `waitMs` for another holder. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, waitMs = 180_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  while (!tryLock(path)) {
    if (ownerGone(path)) {
      takeOver(path);
      continue;
    }
    if (Date.now() > deadline) throw new XbotError("browser_launch", `timed out after ${waitMs} ms waiting for the lock ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

function tryLock(path: string): boolean {
  try {
    const fd = openSync(path, "wx", 0o600);
    writeSync(fd, JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/** True when the lock file names a process that no longer runs (or cannot be read after a grace period). */
function ownerGone(path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return false; // released in between: the next tryLock decides
  }
  try {
    const { pid } = JSON.parse(text) as { pid?: unknown };
    return typeof pid === "number" && pid !== process.pid && !isProcessAlive(pid);
  } catch {
    return false; // being written right now
  }
}

/** Moves a dead owner's lock aside (atomic), then removes it. */
function takeOver(path: string): void {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
    rmSync(aside, { force: true });
  } catch {
    // another waiter took it over first
  }
}
