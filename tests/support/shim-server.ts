/**
 * Common plumbing for the in-process protocol shims: an http server on
 * 127.0.0.1:0 that counts requests and serves
 *   GET  /__shim/stats  -> {requests, ...extra}
 *   POST /__shim/reset  -> {ok: true}
 * so a test in another process (a vitest worker) can count round trips.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ShimStats {
  requests: number;
  [key: string]: unknown;
}

export interface ShimHandle {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  stats(): ShimStats;
  resetStats(): void;
  close(): Promise<void>;
}

export interface ShimServer extends ShimHandle {
  server: http.Server;
  /** Count one request that did not come through the http handler (e.g. a WebSocket upgrade). */
  recordRequest(): void;
}

export type ShimHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void | Promise<void>;

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

export interface StartShimServerOptions {
  handler: ShimHandler;
  /** Extra fields merged into stats(). */
  extraStats?: () => Record<string, unknown>;
  onReset?: () => void;
  /** Called before the http server closes (close pools, sockets...). */
  onClose?: () => Promise<void> | void;
  /** Count this request? Default: all non /__shim requests. */
  countRequest?: (req: http.IncomingMessage) => boolean;
}

/** Fetch {requests} from a shim that may live in another process. */
export async function fetchShimStats(baseUrl: string): Promise<ShimStats> {
  const res = await fetch(new URL("/__shim/stats", baseUrl));
  return (await res.json()) as ShimStats;
}

/** Reset the counters of a shim that may live in another process. */
export async function resetShimStats(baseUrl: string): Promise<void> {
  await fetch(new URL("/__shim/reset", baseUrl), { method: "POST" });
}

export async function startShimServer(options: StartShimServerOptions): Promise<ShimServer> {
  let requests = 0;
  const stats = (): ShimStats => ({ ...(options.extraStats?.() ?? {}), requests });
  const resetStats = () => {
    requests = 0;
    options.onReset?.();
  };

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    if (pathname === "/__shim/stats" && req.method === "GET") {
      req.resume();
      sendJson(res, 200, stats());
      return;
    }
    if (pathname === "/__shim/reset" && req.method === "POST") {
      req.resume();
      resetStats();
      sendJson(res, 200, { ok: true });
      return;
    }
    if (options.countRequest?.(req) ?? true) requests++;
    readBody(req)
      .then((body) => options.handler(req, res, body))
      .catch((error: unknown) => {
        sendJson(res, 500, { error: `shim internal error: ${(error as Error)?.message ?? String(error)}`, message: String(error) });
      });
  });
  server.keepAliveTimeout = 5_000;
  server.maxConnections = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    server,
    recordRequest: () => {
      requests++;
    },
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    resetStats,
    close: () => {
      closing ??= (async () => {
        await options.onClose?.();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
