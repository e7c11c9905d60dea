/**
 * `XBOT_DATA_DIR/server.json`: which local server owns a data dir. The embedded PGlite
 * database must be opened by ONE process only, so a second `npm start` on the same dir
 * refuses to start, and the CLI sends its commands to the running server instead of
 * opening the database itself.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isProcessAlive } from "../process.js";

/** What a running local server publishes about itself. */
export interface InstanceInfo {
  readonly pid: number;
  /** Base URL of the local server, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly sandboxUrl: string | null;
  readonly startedAt: string;
}

/** Path of the instance file of a data dir. */
export function instancePath(dataDir: string): string {
  return join(dataDir, "server.json");
}

/** The live server of a data dir, or null (no file, unreadable, or its process is gone). */
export function liveInstance(dataDir: string): InstanceInfo | null {
  try {
    const info = JSON.parse(readFileSync(instancePath(dataDir), "utf8")) as InstanceInfo;
    if (typeof info.pid !== "number" || typeof info.url !== "string") return null;
    return info.pid !== process.pid && isProcessAlive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

/** Publishes this process as the server of a data dir. */
export function writeInstance(dataDir: string, info: InstanceInfo): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = instancePath(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Removes the instance file if it is this process's. */
export function removeInstance(dataDir: string): void {
  try {
    const info = JSON.parse(readFileSync(instancePath(dataDir), "utf8")) as InstanceInfo;
    if (info.pid === process.pid) rmSync(instancePath(dataDir), { force: true });
  } catch {
    // nothing to remove
  }
}
