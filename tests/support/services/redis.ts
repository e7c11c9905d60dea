/**
 * A throwaway local Redis (`redis-server`) on a free 127.0.0.1 port, in its own temporary
 * directory, without persistence; it can be killed, paused and restarted on the same port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { which } from "./binaries.js";
import { registerExitCleanup, shQuote, startWatchdog } from "./cleanup.js";
import { freePort, LOOPBACK, sleep } from "./processes.js";

/** A running (or killed) throwaway Redis. */
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

/** Options of startRedis. */
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

/** Start redis-server on a free (or the given) port in a new temporary directory and wait until it answers PING; retries another port if the probed one was taken. */
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
    `pid=$(cat ${shQuote(pidFile)} 2>/dev/null); ` + `[ -n "$pid" ] && grep -q redis-server /proc/$pid/cmdline 2>/dev/null && kill -9 "$pid"; rm -rf ${shQuote(dir)}`,
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
      "--port",
      String(port),
      "--bind",
      LOOPBACK,
      "--daemonize",
      "no",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--pidfile",
      pidFile,
      "--protected-mode",
      "yes",
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
    pid: () => (childAlive() ? (child!.pid ?? null) : null),
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
