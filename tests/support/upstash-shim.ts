/**
 * Upstash Redis REST protocol served over a real Redis through ioredis.
 *
 *   POST /            ["SET","k","v"]        -> {result} | 400 {error}
 *   POST /pipeline    [["SET","k","v"],...]  -> [{result}|{error}, ...]
 *   POST /multi-exec  [["SET","k","v"],...]  -> [{result}|{error}, ...]  (atomic, MULTI/EXEC)
 *   GET|POST /cmd/arg1/arg2                  -> path-style single command
 *
 * Bearer token required (401 otherwise). With `Upstash-Encoding: base64`
 * (the @upstash/redis default) every string in a reply is base64, numbers stay
 * numbers, arrays are encoded recursively and null stays null.
 *
 * Lua: a leading `#!lua ...` shebang line (e.g. @upstash/ratelimit's
 * `#!lua flags=allow-key-locking`, which only Upstash accepts) is stripped from
 * EVAL / EVAL_RO / SCRIPT LOAD, and EVALSHA hashes of the original script text
 * are mapped to the hash of the stripped script, so `redis.eval`, `evalsha`,
 * `createScript(...).exec` all behave as against Upstash.
 *
 * When Redis is down or hung the shim answers 503 {error} quickly instead of
 * hanging, and it reconnects by itself when Redis comes back.
 */
import { createHash } from "node:crypto";
import type http from "node:http";
import { Redis } from "ioredis";
import { sendJson, startShimServer, type ShimHandle } from "./shim-server.js";

export interface UpstashShimOptions {
  /** Redis port on 127.0.0.1. */
  port: number;
  host?: string;
  /** Bearer token clients must send. */
  token: string;
  /** A command taking longer than this fails with 503 (hung Redis). Default 3000 ms. */
  commandTimeoutMs?: number;
  /** How long startup waits for Redis to be ready. Default 5000 ms; the shim starts anyway. */
  readyTimeoutMs?: number;
}

export interface UpstashShim extends ShimHandle {
  /** Base URL for `new Redis({ url: restUrl, token })`. */
  restUrl: string;
  token: string;
  /** ioredis connection status ("ready" when Redis is reachable). */
  redisStatus(): string;
  /** Resolves once the shim's Redis connection is ready again (after a restart). */
  waitForRedis(timeoutMs?: number): Promise<void>;
}

type Arg = string | number | Buffer;
type Reply = unknown;

class UpstashShimError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const sha1 = (s: string | Buffer) => createHash("sha1").update(s).digest("hex");

/** Remove a leading `#!...` line (Redis 7 rejects Upstash-only shebang flags). */
export function stripShebang(script: string): string {
  if (!script.startsWith("#!")) return script;
  const nl = script.indexOf("\n");
  return nl === -1 ? "" : script.slice(nl + 1);
}

function isReplyError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: string }).name === "ReplyError";
}

function toArg(value: unknown): Arg {
  if (typeof value === "string" || typeof value === "number") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  return JSON.stringify(value);
}

function encodeReply(reply: Reply, base64: boolean): unknown {
  if (reply === null || reply === undefined) return null;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString("base64") : reply.toString("utf8");
  if (typeof reply === "string") return base64 ? Buffer.from(reply, "utf8").toString("base64") : reply;
  if (typeof reply === "number" || typeof reply === "bigint") return Number(reply);
  if (Array.isArray(reply)) return reply.map((r) => encodeReply(r, base64));
  if (reply instanceof Error) return encodeReply(reply.message, base64);
  if (typeof reply === "object") {
    // ioredis reply transformers (HGETALL -> object): flatten back to [k, v, ...]
    return Object.entries(reply as Record<string, unknown>).flatMap(([k, v]) => [encodeReply(k, base64), encodeReply(v as Reply, base64)]);
  }
  return reply;
}

export async function startUpstashShim(options: UpstashShimOptions): Promise<UpstashShim> {
  const redis = new Redis({
    host: options.host ?? "127.0.0.1",
    port: options.port,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 1_000,
    commandTimeout: options.commandTimeoutMs ?? 3_000,
    retryStrategy: () => 100, // keep reconnecting every 100 ms, forever
    reconnectOnError: () => false,
    autoResubscribe: false,
    lazyConnect: false,
  });
  redis.on("error", () => {}); // connection errors surface as 503s

  const waitForRedis = (timeoutMs = 5_000) =>
    new Promise<void>((resolve, reject) => {
      if (redis.status === "ready") return resolve();
      const timer = setTimeout(() => {
        redis.off("ready", onReady);
        reject(new Error(`upstash shim: Redis not ready after ${timeoutMs} ms (status ${redis.status})`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      redis.once("ready", onReady);
    });
  await waitForRedis(options.readyTimeoutMs ?? 5_000).catch(() => {});

  // sha1(original script with shebang) -> sha1(stripped script actually loaded)
  const shaMap = new Map<string, string>();
  let commands = 0;

  /** Rewrite one command for Redis; returns the args and a reply post-processor. */
  const prepare = (raw: unknown): { name: string; args: Arg[]; post: (r: Reply) => Reply } => {
    if (!Array.isArray(raw) || raw.length === 0) throw new UpstashShimError("ERR command must be a non-empty JSON array", 400);
    const name = String(raw[0]).toUpperCase();
    const args = raw.slice(1).map(toArg);
    let post = (r: Reply) => r;
    const mapSha = (h: Arg) => shaMap.get(String(h).toLowerCase()) ?? h;

    if ((name === "EVAL" || name === "EVAL_RO") && typeof args[0] === "string") {
      const stripped = stripShebang(args[0]);
      if (stripped !== args[0]) {
        shaMap.set(sha1(args[0]), sha1(stripped));
        args[0] = stripped;
      }
    } else if (name === "EVALSHA" || name === "EVALSHA_RO") {
      if (args[0] !== undefined) args[0] = mapSha(args[0]);
    } else if (name === "SCRIPT" && args.length >= 1) {
      const sub = String(args[0]).toUpperCase();
      if (sub === "LOAD" && typeof args[1] === "string") {
        const original = args[1];
        const stripped = stripShebang(original);
        if (stripped !== original) {
          shaMap.set(sha1(original), sha1(stripped));
          args[1] = stripped;
          // Upstash answers with the hash of what the client sent.
          post = () => Buffer.from(sha1(original));
        }
      } else if (sub === "EXISTS") {
        for (let i = 1; i < args.length; i++) args[i] = mapSha(args[i]!);
      }
    }
    return { name, args, post };
  };

  const ensureUp = () => {
    if (redis.status !== "ready") throw new UpstashShimError(`Redis is unavailable (connection ${redis.status})`, 503);
  };

  const runOne = async (raw: unknown): Promise<Reply> => {
    const { name, args, post } = prepare(raw);
    ensureUp();
    commands++;
    return post(await redis.callBuffer(name, ...args));
  };

  const runPipeline = async (raws: unknown[], atomic: boolean): Promise<Array<{ result?: Reply; error?: string }>> => {
    const prepared = raws.map(prepare);
    ensureUp();
    commands += prepared.length;
    const p = atomic ? redis.multi() : redis.pipeline();
    for (const c of prepared) p.callBuffer(c.name, ...c.args);
    const out = await p.exec();
    if (out === null) throw new UpstashShimError("EXECABORT transaction aborted (WATCH)", 400);
    return out.map(([err, result], i) => {
      if (err) {
        if (!isReplyError(err)) throw err; // connection trouble: the whole request fails
        return { error: err.message };
      }
      return { result: prepared[i]!.post(result) };
    });
  };

  const fail = (res: http.ServerResponse, error: unknown) => {
    if (error instanceof UpstashShimError) sendJson(res, error.status, { error: error.message });
    else if (isReplyError(error)) sendJson(res, 400, { error: (error as Error).message });
    else sendJson(res, 503, { error: `Redis is unavailable: ${(error as Error)?.message ?? String(error)}` });
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    const auth = req.headers.authorization ?? "";
    if (auth !== `Bearer ${options.token}`) {
      sendJson(res, 401, { error: "Unauthorized" });
      return;
    }
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    const parseJson = (): unknown => {
      try {
        return JSON.parse(body.toString("utf8"));
      } catch {
        throw new UpstashShimError("ERR request body is not valid JSON", 400);
      }
    };
    try {
      if (pathname === "/pipeline" || pathname === "/multi-exec") {
        const cmds = parseJson();
        if (!Array.isArray(cmds) || cmds.length === 0) throw new UpstashShimError("ERR pipeline body must be a non-empty array of commands", 400);
        const out = await runPipeline(cmds, pathname === "/multi-exec");
        sendJson(
          res,
          200,
          out.map((r) => (r.error !== undefined ? { error: r.error } : { result: encodeReply(r.result, base64) })),
        );
        return;
      }
      let command: unknown;
      if (pathname === "/" || pathname === "") {
        command = parseJson();
      } else {
        // path style: /set/key/value, optional raw body appended as the last argument
        command = pathname.split("/").filter(Boolean).map(decodeURIComponent);
        if (req.method === "POST" && body.length > 0) (command as string[]).push(body.toString("utf8"));
      }
      const result = await runOne(command);
      sendJson(res, 200, { result: encodeReply(result, base64) });
    } catch (error) {
      fail(res, error);
    }
  };

  const shim = await startShimServer({
    handler,
    extraStats: () => ({ commands, redis: redis.status }),
    onReset: () => {
      commands = 0;
    },
    onClose: () => {
      redis.disconnect(false);
    },
  });

  return {
    url: shim.url,
    port: shim.port,
    restUrl: shim.url,
    token: options.token,
    stats: shim.stats,
    resetStats: shim.resetStats,
    close: shim.close,
    redisStatus: () => redis.status,
    waitForRedis,
  };
}
