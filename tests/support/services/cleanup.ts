/**
 * Cleanup of throwaway services if this process exits without stopping them: synchronous exit
 * hooks for an ordinary exit or signal, and a detached watchdog shell for SIGKILL or OOM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";

// Synchronous last-resort cleanup if the process exits without calling stop().
const exitCleanups = new Set<() => void>();
let exitHooksInstalled = false;

/** Runs `fn` synchronously when this process exits (or dies of SIGINT/SIGTERM/SIGHUP); returns a function that unregisters it. */
export function registerExitCleanup(fn: () => void): () => void {
  if (!exitHooksInstalled) {
    exitHooksInstalled = true;
    process.once("exit", () => {
      for (const cleanup of exitCleanups) {
        try {
          cleanup();
        } catch {
          // best effort
        }
      }
    });
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.once(signal, () => {
        // If someone else (e.g. vitest) handles the signal, let them exit: the
        // "exit" hook still runs. Otherwise mimic the default: die, after cleanup.
        if (process.listenerCount(signal) > 0) return;
        process.exit(128 + (os.constants.signals[signal] ?? 1));
      });
    }
  }
  exitCleanups.add(fn);
  return () => exitCleanups.delete(fn);
}

/**
 * If this Node process dies without cleaning up (SIGKILL, OOM), a tiny
 * detached shell notices within a second and runs `cleanup` (a sh script).
 * Returns a function that cancels the watchdog (kills its process group).
 */
export function startWatchdog(cleanup: string): () => void {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${cleanup}`;
  let child: ChildProcess;
  try {
    child = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
    child.on("error", () => {});
    child.unref();
  } catch {
    return () => {};
  }
  return () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL"); // sh and its sleep
      } catch {
        // gone
      }
    }
  };
}

/** `s` single-quoted for sh. */
export const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
