/**
 * The local server: every api/ route through the very handlers the Vercel functions export
 * (the route factories of lib/runtime/http, fed the process's one runtime), the dashboard
 * from public/, and the local cron. Listens on 127.0.0.1 only.
 *
 *   /api/jobs/<job>   GET (Bearer CRON_SECRET) or POST (Bearer XBOT_ADMIN_TOKEN), every job of JOBS
 *   /api/queue        QStash deliveries (signature over the raw body)
 *   /api/health       public {status}; the full report with the admin token
 *   /api/status       the dashboard's data (admin)
 *   /api/review       the review queue: list, approve, edit, reject (admin)
 *   /api/artifacts    failure artifacts (admin)
 *   /api/media        media library thumbnails (admin)
 *   /__xbot/cli       POST {argv}: runs an `xbot` command in this process (admin, and no foreign
 *                     Origin; the CLI uses it because the embedded database can be opened by one
 *                     process only)
 *
 * Request URLs come from the socket (or XBOT_PUBLIC_URL), never from Host/X-Forwarded-* unless
 * XBOT_TRUST_PROXY (lib/dev/request-url.ts); every answer carries the security headers.
 *   everything else   static files of public/
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { XbotError } from "../errors.js";
import { bearerMatches } from "../runtime/http/auth.js";
import { healthRoute } from "../runtime/http/health-route.js";
import { jobRoute } from "../runtime/http/job-route.js";
import { queueRoute } from "../runtime/http/queue-route.js";
import { statusRoute } from "../runtime/http/status-route.js";
import { reviewRoute } from "../runtime/http/review-route.js";
import { accountsRoute } from "../runtime/http/accounts-route.js";
import { artifactRoute } from "../runtime/http/artifact-route.js";
import { mediaRoute } from "../runtime/http/media-route.js";
import type { RuntimeFactory } from "../runtime/http/guard.js";
import { runTick } from "../runtime/fan-out.js";
import { readRawBody, serveWeb, type WebHandler } from "./http-adapter.js";
import { liveInstance, removeInstance, writeInstance } from "./instance.js";
import { baseConfig, openLocal, type LocalOptions, type LocalRuntime } from "./local.js";
import { startScheduler, type Scheduler } from "./scheduler.js";
import { firstRun } from "./first-run.js";
import { checkOrigin, loopbackOrigins } from "./origin.js";
import { SECURITY_HEADERS } from "../runtime/http/security-headers.js";
import { PUBLIC_DIR, serveStatic } from "./static.js";
import { syncVendor } from "./vendor.js";

/** The only interface the local server binds. */
export const LOCAL_HOST = "127.0.0.1";

/** Options of {@link startLocalServer}. */
export interface LocalServerOptions extends LocalOptions {
  /** Port; default XBOT_PORT. 0 picks a free one. */
  readonly port?: number;
  /** Run the local cron. Default true. */
  readonly scheduler?: boolean;
  /** Directory of static files. Default the repository's public/. */
  readonly publicDir?: string;
  /** How long shutdown waits for runs in flight. Default 15 s. */
  readonly shutdownGraceMs?: number;
  /** Called once the server listens, before the runtime is built (tests, progress). */
  readonly onListening?: (url: string) => void;
  /** Runs `xbot` commands sent to POST /__xbot/cli (lib/cli/local-cli.ts); without it that endpoint answers 404. */
  readonly cli?: LocalCli;
}

/** Runs one `xbot` command in this process against its local runtime; what it printed, and its exit code. */
export type LocalCli = (argv: readonly string[], local: LocalRuntime) => Promise<{ code: number; stdout: string; stderr: string }>;

/** A running local server. */
export interface LocalServer {
  readonly url: string;
  readonly port: number;
  readonly local: LocalRuntime;
  readonly scheduler: Scheduler | null;
  /** Stops the scheduler and the server, waits for runs in flight (bounded), closes browsers and the sandbox. Idempotent. */
  close(): Promise<void>;
}

/** The request listener over a local runtime (exported for tests). */
export function createLocalHandler(
  local: LocalRuntime,
  options: { publicDir?: string; track?: (work: Promise<unknown>) => void; cli?: LocalCli } = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const factory: RuntimeFactory = () => Promise.resolve(local.deps);
  const jobs = new Map(local.deps.catalog.jobs.map((job) => [job.name, jobRoute(job.name, factory)]));
  const queue = queueRoute(factory).POST;
  const health = healthRoute(factory).GET;
  const status = statusRoute(factory).GET;
  const review = reviewRoute(factory);
  const accounts = accountsRoute(factory);
  const artifacts = artifactRoute(factory).GET;
  const media = mediaRoute(factory).GET;
  const publicDir = options.publicDir ?? PUBLIC_DIR;
  const policy = { trustProxy: local.config.XBOT_TRUST_PROXY, ...(local.config.XBOT_PUBLIC_URL ? { publicUrl: local.config.XBOT_PUBLIC_URL } : {}) };
  const log = local.deps.log.child({ component: "server" });

  const apiHandler = (path: string, method: string): WebHandler | null => {
    const job = /^\/api\/jobs\/([^/]+)\/?$/.exec(path);
    if (job) {
      const route = jobs.get(decodePart(job[1]!) ?? "");
      return route ? (method === "GET" ? route.GET : route.POST) : null;
    }
    if (path === "/api/queue" || path === "/api/queue/") return queue;
    if (path === "/api/health" || path === "/api/health/") return health;
    if (path === "/api/status" || path === "/api/status/") return status;
    if (path === "/api/review" || path === "/api/review/") return method === "POST" ? review.POST : review.GET;
    if (path === "/api/accounts" || path === "/api/accounts/") return method === "POST" ? accounts.POST : accounts.GET;
    if (path === "/api/artifacts" || path === "/api/artifacts/") return artifacts;
    if (path === "/api/media" || path === "/api/media/") return media;
    return null;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://local.invalid");
    const path = url.pathname;
    const method = req.method ?? "GET";
    if (path.startsWith("/api/")) {
      const handler = apiHandler(path, method);
      if (!handler) return sendJson(res, 404, { error: "not_found", message: `no route ${path}` });
      return serveWeb(handler, req, res, policy, log);
    }
    if (path === "/__xbot/cli") return cliEndpoint(local, options.cli, req, res);
    if (await serveStatic(publicDir, path, req, res)) return;
    sendJson(res, 404, { error: "not_found", message: `no file ${path}` });
  };

  return (req, res) => {
    const work = handle(req, res).catch((error: unknown) => {
      log.error("local server: request failed", { path: req.url, method: req.method, cause: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) sendJson(res, 500, { error: "internal", message: "unexpected error in the local server" });
      else res.destroy();
    });
    options.track?.(work);
  };
}

/** A percent-decoded path segment; null when its encoding is broken (`%zz`), so it matches no job (404). */
function decodePart(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function isAdmin(local: LocalRuntime, req: IncomingMessage): boolean {
  return bearerMatches(req.headers.authorization ?? null, local.config.XBOT_ADMIN_TOKEN);
}

async function cliEndpoint(local: LocalRuntime, cli: LocalCli | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!cli) return sendJson(res, 404, { error: "not_found", message: "this server runs no xbot commands" });
  if (req.method !== "POST") return sendJson(res, 405, { error: "method_not_allowed", message: "use POST" });
  const origin = checkOrigin(req, loopbackOrigins(req.socket.localPort ?? local.config.XBOT_PORT, local.config.XBOT_PUBLIC_URL ? [local.config.XBOT_PUBLIC_URL] : []));
  if (!origin.ok) return sendJson(res, 403, { error: "forbidden_origin", message: `requests from ${origin.origin} are refused; use the xbot CLI` });
  if (!isAdmin(local, req)) return sendJson(res, 401, { error: "unauthorized", message: "missing or wrong Authorization: Bearer <XBOT_ADMIN_TOKEN>" });
  const { body, overflow } = await readRawBody(req);
  if (overflow) {
    res.once("finish", () => req.destroy());
    return sendJson(res, 413, { error: "payload_too_large", message: "body too large" });
  }
  let argv: unknown;
  try {
    argv = (JSON.parse(body.toString("utf8")) as { argv?: unknown }).argv;
  } catch {
    return sendJson(res, 400, { error: "bad_json", message: 'body must be {"argv": [...]}' });
  }
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === "string")) return sendJson(res, 400, { error: "bad_request", message: "argv must be an array of strings" });
  sendJson(res, 200, await cli(argv, local));
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, LOCAL_HOST, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts the local server: binds the port first (a busy port fails at once), publishes the
 * instance file, builds the local runtime (sandbox, database, session), then serves and
 * starts the cron. Requests that arrive while it starts get 503.
 */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const inFlight = new Set<Promise<unknown>>();
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server = createServer((req, res) => {
    if (handler) return handler(req, res);
    res.writeHead(503, { "content-type": "application/json; charset=utf-8", "retry-after": "2" });
    res.end(JSON.stringify({ error: "starting", message: "xbot is starting; try again in a moment" }));
  });
  server.requestTimeout = 0; // job runs can take minutes (their own deadlines bound them)
  const base = baseConfig(options.env ?? process.env);
  const running = liveInstance(base.XBOT_DATA_DIR);
  if (running) {
    throw new XbotError(
      "config_invalid",
      `xbot is already running on ${base.XBOT_DATA_DIR} (pid ${running.pid}, ${running.url}): stop it, or start another instance with its own XBOT_DATA_DIR, XBOT_PORT and XBOT_SANDBOX_PORT`,
    );
  }
  const port = await listen(server, options.port ?? base.XBOT_PORT).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      error.code === "EADDRINUSE"
        ? `port ${options.port ?? base.XBOT_PORT} on ${LOCAL_HOST} is in use: set XBOT_PORT to a free port (and XBOT_DATA_DIR for a second instance)`
        : `cannot listen on ${LOCAL_HOST}:${options.port ?? base.XBOT_PORT}: ${error.message}`,
    );
  });
  const url = `http://${LOCAL_HOST}:${port}`;
  options.onListening?.(url);
  let local: LocalRuntime;
  try {
    writeInstance(base.XBOT_DATA_DIR, { pid: process.pid, url, sandboxUrl: null, startedAt: new Date().toISOString() });
    local = await openLocal(options);
  } catch (error) {
    removeInstance(base.XBOT_DATA_DIR);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  writeInstance(base.XBOT_DATA_DIR, { pid: process.pid, url, sandboxUrl: local.sandbox?.url ?? null, startedAt: new Date().toISOString() });
  const publicDir = options.publicDir ?? PUBLIC_DIR;
  syncVendor(publicDir, local.deps.log);
  handler = createLocalHandler(local, {
    publicDir,
    ...(options.cli ? { cli: options.cli } : {}),
    track: (work) => {
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
  });
  const scheduler =
    options.scheduler === false
      ? null
      : startScheduler({
          jobs: local.deps.catalog.jobs,
          run: (job) => runTick(local.deps, { job, trigger: "local", requestUrl: url }),
          log: local.deps.log.child({ component: "scheduler" }),
        });
  if (scheduler) {
    const kick = firstRun(local.deps).catch((error: unknown) => local.deps.log.error("first run failed", { error: error instanceof Error ? error.message : String(error) }));
    inFlight.add(kick);
    void kick.finally(() => inFlight.delete(kick));
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      scheduler?.stop();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = options.shutdownGraceMs ?? 15_000;
      const requestsDone = Promise.allSettled([...inFlight]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all([requestsDone, scheduler?.drain(grace)]), new Promise((resolve) => (timer = setTimeout(resolve, grace)))]);
      clearTimeout(timer);
      server.closeAllConnections();
      await stopped;
      await local.close();
      removeInstance(base.XBOT_DATA_DIR);
    })());
  return { url, port, local, scheduler, close };
}
