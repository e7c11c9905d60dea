/**
 * Processes and ports on the loopback interface: a free port, whether a pid is alive,
 * waiting for one to exit.
 */
import net from "node:net";
import { isProcessAlive } from "../../../lib/process.js";

/** The only address the test services bind or connect to. */
export const LOOPBACK = "127.0.0.1";

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

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves once `pid` has gone (or after timeoutMs, returning false). */
export async function waitForExit(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(20);
  }
  return !isProcessAlive(pid);
}

export { isProcessAlive };
