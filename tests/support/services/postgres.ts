/**
 * A throwaway local Postgres (from the Debian `postgresql` binaries) on a free 127.0.0.1 port,
 * in its own temporary directory, run as the `postgres` user when this process is root.
 */
import { execFile } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { findPostgresBinDir, which } from "./binaries.js";
import { registerExitCleanup, shQuote, startWatchdog } from "./cleanup.js";
import { freePort, isProcessAlive, LOOPBACK, waitForExit } from "./processes.js";

const execFileP = promisify(execFile);

const isRoot = () => process.getuid?.() === 0;

/** A tmp base dir that the `postgres` user can traverse into (os.tmpdir() unless an ancestor is closed). */
function traversableTmpdir(): string {
  const base = os.tmpdir();
  if (!isRoot()) return base;
  let dir = path.resolve(base);
  while (true) {
    try {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) return "/tmp";
    } catch {
      return "/tmp";
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return base;
}

/** A running (or downed) throwaway Postgres. */
export interface PostgresServer {
  host: string;
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** `postgres://postgres@127.0.0.1:PORT/<database>` */
  urlFor(database: string): string;
  dataDir: string;
  binDir: string;
  /** pid of the postmaster while it runs, else null. */
  pid(): number | null;
  /** Immediate shutdown, keeping the data dir (for outage tests). */
  down(): Promise<void>;
  /** Start it again on the same port after down(). */
  up(): Promise<void>;
  /** Immediate shutdown and remove all files. Idempotent. */
  stop(): Promise<void>;
}

/** Options of startPostgres. */
export interface StartPostgresOptions {
  port?: number;
  maxConnections?: number;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
}

/** initdb into a new temporary directory and start Postgres on a free (or the given) port with fsync off; retries another port if the probed one was taken. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  if (!binDir) {
    throw new Error("Postgres binaries not found (looked in /usr/lib/postgresql/*/bin and PATH). Install with: apt-get install -y postgresql");
  }
  const root = isRoot();
  if (root && !which("runuser")) throw new Error("running as root but `runuser` is missing: cannot run initdb as postgres");

  const base = mkdtempSync(path.join(traversableTmpdir(), "xbot-pg-"));
  const dataDir = path.join(base, "data");
  const logFile = path.join(base, "postgres.log");
  if (root) {
    const uid = Number((await execFileP("id", ["-u", "postgres"])).stdout.trim());
    const gid = Number((await execFileP("id", ["-g", "postgres"])).stdout.trim());
    chownSync(base, uid, gid);
  }

  const run = async (bin: string, args: string[]) => {
    const exe = path.join(binDir, bin);
    const [cmd, argv] = root ? ["runuser", ["-u", "postgres", "--", exe, ...args]] : [exe, args];
    try {
      return await execFileP(cmd, argv, { cwd: base, timeout: 60_000, env: { ...process.env, LC_ALL: "C" } });
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string };
      let log = "";
      try {
        log = readFileSync(logFile, "utf8").slice(-2000);
      } catch {
        // no log yet
      }
      throw new Error(`${bin} ${args.join(" ")} failed: ${e.message}\n${e.stderr ?? ""}${e.stdout ?? ""}\n${log}`);
    }
  };

  const postmasterPid = (): number | null => {
    try {
      const pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : null;
    } catch {
      return null;
    }
  };

  try {
    await run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "-N"]);
  } catch (error) {
    rmSync(base, { recursive: true, force: true });
    throw error;
  }

  const cancelWatchdog = startWatchdog(
    `pid=$(head -n 1 ${shQuote(path.join(dataDir, "postmaster.pid"))} 2>/dev/null); ` + `[ -n "$pid" ] && kill -QUIT "$pid" 2>/dev/null; sleep 1; rm -rf ${shQuote(base)}`,
  );
  const cleanupRegistration = registerExitCleanup(() => {
    cancelWatchdog();
    const pid = postmasterPid();
    if (pid) {
      try {
        process.kill(pid, "SIGQUIT");
      } catch {
        // gone
      }
    }
    rmSync(base, { recursive: true, force: true });
  });

  const settings: Record<string, string | number> = {
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    max_connections: options.maxConnections ?? 200,
    ...options.settings,
  };
  let port = options.port ?? (await freePort());

  const start = async () => {
    const serverOpts = [`-h ${LOOPBACK}`, `-p ${port}`, `-k ${dataDir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(" ");
    await run("pg_ctl", ["-D", dataDir, "-l", logFile, "-o", serverOpts, "-w", "-t", "60", "start"]);
  };

  for (let attempt = 0; ; attempt++) {
    try {
      await start();
      break;
    } catch (error) {
      // the free port may have been taken between probing and binding: try another
      if (attempt >= 2 || options.port !== undefined) {
        cleanupRegistration();
        cancelWatchdog();
        rmSync(base, { recursive: true, force: true });
        throw error;
      }
      port = await freePort();
    }
  }

  let stopped = false;
  const down = async () => {
    const pid = postmasterPid();
    if (!pid) return;
    try {
      await run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
    } catch {
      try {
        process.kill(pid, "SIGQUIT");
      } catch {
        // gone
      }
    }
    await waitForExit(pid, 10_000);
  };

  const urlFor = (database: string) => `postgres://postgres@${LOOPBACK}:${port}/${encodeURIComponent(database)}`;
  return {
    host: LOOPBACK,
    get port() {
      return port;
    },
    get url() {
      return urlFor("postgres");
    },
    urlFor,
    dataDir,
    binDir,
    pid: postmasterPid,
    down,
    up: async () => {
      if (stopped) throw new Error("postgres was stopped for good");
      if (postmasterPid()) return;
      await start();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await down();
      cleanupRegistration();
      cancelWatchdog();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
