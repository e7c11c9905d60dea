/**
 * Throwaway local services for tests: a real Postgres (from the Debian
 * `postgresql` binaries) and a real Redis (`redis-server`), each on a free
 * 127.0.0.1 port with its own temporary directory.
 *
 * Everything here only ever binds or connects to 127.0.0.1.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { accessSync, chownSync, constants as fsConstants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

export const LOOPBACK = "127.0.0.1";

// ---------------------------------------------------------------------------
// Binaries
// ---------------------------------------------------------------------------

/** Absolute path of `binary` on PATH (or in the usual sbin dirs), or null. */
export function which(binary: string): string | null {
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const extra of ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]) {
    if (!dirs.includes(extra)) dirs.push(extra);
  }
  for (const dir of dirs) {
    const candidate = path.join(dir, binary);
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The newest /usr/lib/postgresql/<version>/bin that has initdb, pg_ctl and postgres; else a dir on PATH that has them; else null. */
export function findPostgresBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  const need = ["initdb", "pg_ctl", "postgres"];
  const has = (dir: string) => need.every((b) => existsSync(path.join(dir, b)));
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    for (const v of versions) {
      const dir = path.join(root, v, "bin");
      if (has(dir)) return dir;
    }
  }
  const initdb = which("initdb");
  if (initdb && has(path.dirname(initdb))) return path.dirname(initdb);
  return null;
}

export interface MissingBinary {
  service: "postgres" | "redis";
  binary: string;
  debianPackage: string;
  hint: string;
}

/** Which service binaries are missing, with the Debian package that provides them. */
export function missingBinaries(): MissingBinary[] {
  const missing: MissingBinary[] = [];
  if (!findPostgresBinDir()) {
    missing.push({
      service: "postgres",
      binary: "initdb/pg_ctl/postgres",
      debianPackage: "postgresql",
      hint: "apt-get install -y postgresql",
    });
  }
  if (!which("redis-server")) {
    missing.push({
      service: "redis",
      binary: "redis-server",
      debianPackage: "redis-server",
      hint: "apt-get install -y redis-server",
    });
  }
  return missing;
}

// ---------------------------------------------------------------------------
// Ports and small helpers
// ---------------------------------------------------------------------------

/** A port that was free on 127.0.0.1 a moment ago (bind to 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read a free port"));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Resolves once `pid` has gone (or after timeoutMs, returning false). */
export async function waitForExit(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(20);
  }
  return !isAlive(pid);
}

export { isAlive as isProcessAlive };

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

// Synchronous last-resort cleanup if the process exits without calling stop().
const exitCleanups = new Set<() => void>();
let exitHooksInstalled = false;
function registerExitCleanup(fn: () => void): () => void {
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
function startWatchdog(cleanup: string): () => void {
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

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

// ---------------------------------------------------------------------------
// Postgres
// ---------------------------------------------------------------------------

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

export interface StartPostgresOptions {
  port?: number;
  maxConnections?: number;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
}

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
      return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
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
    `pid=$(head -n 1 ${shQuote(path.join(dataDir, "postmaster.pid"))} 2>/dev/null); ` +
      `[ -n "$pid" ] && kill -QUIT "$pid" 2>/dev/null; sleep 1; rm -rf ${shQuote(base)}`,
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

// ---------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------

export interface RedisServer {
  host: string;
  port: number;
  /** redis://127.0.0.1:PORT */
  url: string;
  dir: string;
  /** pid of the running redis-server, else null. */
  pid(): number | null;
  running(): boolean;
  /** Kill the server (SIGKILL by default, or SIGTERM) but keep port and dir, so start() can bring it back. */
  kill(signal?: "SIGKILL" | "SIGTERM"): Promise<void>;
  /** (Re)start on the SAME port. No-op if already running. */
  start(): Promise<void>;
  /** kill() then start(): all data is lost (no persistence). */
  restart(): Promise<void>;
  /** SIGSTOP: the port stays open but nothing answers (a hung Redis). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Kill and remove the dir. Idempotent. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  port?: number;
  /** Extra `--name value` arguments. */
  args?: string[];
}

function pingRedis(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: LOOPBACK, port });
    let buffer = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      if (buffer.includes("\r\n")) done(buffer.startsWith("+PONG"));
    });
  });
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const binary = which("redis-server");
  if (!binary) throw new Error("redis-server not found. Install with: apt-get install -y redis-server");
  const dir = mkdtempSync(path.join(os.tmpdir(), "xbot-redis-"));
  let port = options.port ?? (await freePort());
  let child: ChildProcess | null = null;
  let output = "";
  let stopped = false;

  const pidFile = path.join(dir, "redis.pid");
  const cancelWatchdog = startWatchdog(
    `pid=$(cat ${shQuote(pidFile)} 2>/dev/null); ` +
      `[ -n "$pid" ] && grep -q redis-server /proc/$pid/cmdline 2>/dev/null && kill -9 "$pid"; rm -rf ${shQuote(dir)}`,
  );
  const unregister = registerExitCleanup(() => {
    cancelWatchdog();
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, "SIGCONT");
        process.kill(child.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const childAlive = () => child !== null && child.exitCode === null && child.signalCode === null;

  const spawnOnce = async (): Promise<void> => {
    output = "";
    const args = [
      "--port", String(port),
      "--bind", LOOPBACK,
      "--daemonize", "no",
      "--save", "",
      "--appendonly", "no",
      "--dir", dir,
      "--pidfile", pidFile,
      "--protected-mode", "yes",
      ...(options.args ?? []),
    ];
    const proc = spawn(binary, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    proc.stdout?.on("data", (d: Buffer) => (output = (output + d.toString("utf8")).slice(-4000)));
    proc.stderr?.on("data", (d: Buffer) => (output = (output + d.toString("utf8")).slice(-4000)));
    proc.on("error", (err) => (output += `\nspawn error: ${err.message}`));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`redis-server exited (${proc.exitCode ?? proc.signalCode}) on port ${port}:\n${output}`);
      }
      if (await pingRedis(port)) return;
      await sleep(25);
    }
    proc.kill("SIGKILL");
    throw new Error(`redis-server did not answer PING on port ${port} within 10s:\n${output}`);
  };

  const start = async () => {
    if (stopped) throw new Error("redis was stopped for good");
    if (childAlive()) return;
    await spawnOnce();
  };

  const kill = async (signal: "SIGKILL" | "SIGTERM" = "SIGKILL") => {
    const proc = child;
    if (!proc || !childAlive()) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    try {
      process.kill(proc.pid!, "SIGCONT"); // in case it was paused
    } catch {
      // gone
    }
    proc.kill(signal);
    await Promise.race([exited, sleep(10_000)]);
    if (childAlive()) {
      proc.kill("SIGKILL");
      await exited;
    }
  };

  for (let attempt = 0; ; attempt++) {
    try {
      await start();
      break;
    } catch (error) {
      await kill();
      if (attempt >= 2 || options.port !== undefined) {
        unregister();
        cancelWatchdog();
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      port = await freePort();
    }
  }

  return {
    host: LOOPBACK,
    get port() {
      return port;
    },
    get url() {
      return `redis://${LOOPBACK}:${port}`;
    },
    dir,
    pid: () => (childAlive() ? child!.pid ?? null : null),
    running: childAlive,
    kill,
    start,
    restart: async () => {
      await kill();
      await start();
    },
    pause: () => {
      if (childAlive()) child!.kill("SIGSTOP");
    },
    resume: () => {
      if (childAlive()) child!.kill("SIGCONT");
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await kill();
      unregister();
      cancelWatchdog();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stop a Redis server but keep its port, so `restartRedis` brings it back on the same port. */
export function stopRedis(server: RedisServer): Promise<void> {
  return server.kill();
}

/** Start a Redis server again on the same port (after stopRedis), with empty data. */
export function restartRedis(server: RedisServer): Promise<void> {
  return server.restart();
}
