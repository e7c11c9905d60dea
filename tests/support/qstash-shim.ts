/**
 * A local QStash: enough of the v2 API for the real `Client` (baseUrl = shim
 * url) and `Receiver` (with the signing keys below) to work.
 *
 *   GET  /v2/keys                    -> {current, next}
 *   POST /v2/publish/<destination>   -> {messageId}; delivers the body to <destination>
 *   POST /v2/enqueue/<queue>/<dest>  -> same as publish (queues are not modelled)
 *   POST /v2/batch                   -> [{messageId, url, deduplicated?}, ...], one per message
 *
 * Delivery: POST (or Upstash-Method) to the destination with
 * `Upstash-Signature` (HS256 JWT: iss "Upstash", sub = destination url,
 * body = base64url(sha256(raw body)), iat/nbf/exp, jti), `Upstash-Message-Id`,
 * `Upstash-Retried`, the `Upstash-Forward-*` headers stripped of their prefix,
 * and Content-Type. Honours Upstash-Deduplication-Id and
 * Upstash-Content-Based-Deduplication (10-minute window; a duplicate is accepted,
 * not enqueued, and answered 202 with the first message's id, or `deduplicated: true`
 * in a batch: https://upstash.com/docs/qstash/features/deduplication and
 * .../api-refence/messages/batch-messages), Upstash-Delay / Upstash-Not-Before,
 * Upstash-Retries (default: options.defaultRetries, 0 unless set; retry delay
 * options.retryDelayMs, short, not QStash's e^(2.5n) s), and flow control
 * (Upstash-Flow-Control-Key/-Value: parallelism, rate, period; see qstash-flow.ts).
 * The delivery log (`deliveries()`) records each call's start, end, flow key and body.
 *
 * Destinations must be loopback (127.0.0.1 / localhost).
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import type http from "node:http";
import { sendJson, startShimServer, type ShimHandle } from "./shim-server.js";
import { FlowGate, parseFlowControl, type FlowSettings } from "./qstash-flow.js";

/**
 * The local-dev credentials that @upstash/qstash itself ships for its dev
 * server (DEV_CREDENTIALS in node_modules/@upstash/qstash/chunk-*.mjs,
 * src/dev-server/constants.ts). They are public test values, not secrets.
 */
export const QSTASH_DEV_CREDENTIALS = {
  token: "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=",
  currentSigningKey: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r",
  nextSigningKey: "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs",
} as const;

const DEDUP_WINDOW_MS = 10 * 60 * 1000;

const b64url = (buf: Buffer) => buf.toString("base64url");

export interface SignOptions {
  /** Destination url: the JWT `sub`. */
  url: string;
  /** Raw body (what the receiver will hash). */
  body: string | Buffer;
  /** HMAC key. Default: the dev current signing key. */
  key?: string;
  /** Seconds since epoch; default now. */
  now?: number;
  /** exp - iat, seconds. Default 300. */
  ttlSeconds?: number;
  jti?: string;
}

/** An Upstash-Signature JWT exactly as QStash makes them. */
export function signQStashJwt(options: SignOptions): string {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const header = { alg: "HS256", typ: "JWT" };
  const payload = {
    iss: "Upstash",
    sub: options.url,
    exp: now + (options.ttlSeconds ?? 300),
    nbf: now,
    iat: now,
    jti: options.jti ?? `jwt_${b64url(randomBytes(12))}`,
    body: b64url(createHash("sha256").update(options.body).digest()),
  };
  const signingInput = `${b64url(Buffer.from(JSON.stringify(header)))}.${b64url(Buffer.from(JSON.stringify(payload)))}`;
  const signature = createHmac("sha256", options.key ?? QSTASH_DEV_CREDENTIALS.currentSigningKey)
    .update(signingInput)
    .digest();
  return `${signingInput}.${b64url(signature)}`;
}

export const newMessageId = () => `msg_${b64url(randomBytes(18))}`;

export interface DeliverOptions {
  messageId?: string;
  /** Key to sign with (default: dev current signing key). Pass a wrong one for a bad signature. */
  signWith?: string;
  /** Sign this body instead of the one sent (tampered-body test). */
  signedBody?: string | Buffer;
  /** Sign for this url instead of the one called (wrong-subject test). */
  signedUrl?: string;
  /** Omit Upstash-Signature entirely. */
  unsigned?: boolean;
  method?: string;
  /** Extra headers (e.g. Content-Type, forwarded headers). */
  headers?: Record<string, string>;
  /** Value of Upstash-Retried (delivery attempt number - 1). Default 0. */
  retried?: number;
}

export interface DeliveryResult {
  messageId: string;
  status: number;
  body: string;
  headers: Headers;
}

function assertLoopback(url: string): URL {
  const u = new URL(url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(u.hostname)) {
    throw new Error(`qstash shim only delivers to loopback destinations, not ${u.hostname}`);
  }
  return u;
}

/** Deliver a (re)signed message straight to a receiver, as QStash would. */
export async function deliver(url: string, body: string | Buffer, options: DeliverOptions = {}): Promise<DeliveryResult> {
  assertLoopback(url);
  const messageId = options.messageId ?? newMessageId();
  const method = (options.method ?? "POST").toUpperCase();
  const headers: Record<string, string> = {
    "User-Agent": "Upstash-QStash",
    "Upstash-Message-Id": messageId,
    "Upstash-Retried": String(options.retried ?? 0),
    ...options.headers,
  };
  if (!options.unsigned) {
    headers["Upstash-Signature"] = signQStashJwt({
      url: options.signedUrl ?? url,
      body: options.signedBody ?? body,
      key: options.signWith,
    });
  }
  const res = await fetch(url, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : new Uint8Array(Buffer.isBuffer(body) ? body : Buffer.from(body)),
    redirect: "manual",
  });
  return { messageId, status: res.status, body: await res.text(), headers: res.headers };
}

export interface QStashShimOptions {
  token?: string;
  currentSigningKey?: string;
  nextSigningKey?: string;
  /** Retries when the message has no Upstash-Retries header. Default 0. */
  defaultRetries?: number;
  /** Delay before retry n (1-based). Default 50 ms * n. */
  retryDelayMs?: (retry: number) => number;
}

export interface PublishedMessage {
  messageId: string;
  url: string;
  method: string;
  body: string;
  headers: Record<string, string>;
  deduplicated: boolean;
  at: number;
  /** The Upstash-Deduplication-Id, if any. */
  deduplicationId?: string;
  flow?: FlowSettings;
}

/** One call to a destination (the delivery log). */
export interface DeliveryRecord {
  messageId: string;
  url: string;
  attempt: number;
  status: number | null;
  error?: string;
  /** When the call was made (ms since the epoch). */
  at: number;
  /** When its response was in (null while in flight). */
  endedAt: number | null;
  /** The message's flow-control key, if any. */
  flowKey?: string;
  body: string;
}

export interface QStashShim extends ShimHandle {
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
  published(): PublishedMessage[];
  deliveries(): DeliveryRecord[];
  /** The most calls active at once, per flow-control key. */
  flowPeaks(): Record<string, number>;
  /** Resolves when no delivery is pending or in flight. */
  idle(): Promise<void>;
}

function parseDelay(value: string | undefined): number {
  if (!value) return 0;
  const m = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1000);
}

function normalizeDestination(raw: string): string {
  let dest = raw;
  if (/^https?%3A/i.test(dest)) dest = decodeURIComponent(dest);
  // URL path normalisation may collapse "http://" into "http:/"
  return dest.replace(/^(https?):\/+/i, "$1://");
}

export async function startQStashShim(options: QStashShimOptions = {}): Promise<QStashShim> {
  const token = options.token ?? QSTASH_DEV_CREDENTIALS.token;
  const currentSigningKey = options.currentSigningKey ?? QSTASH_DEV_CREDENTIALS.currentSigningKey;
  const nextSigningKey = options.nextSigningKey ?? QSTASH_DEV_CREDENTIALS.nextSigningKey;
  const retryDelayMs = options.retryDelayMs ?? ((n: number) => 50 * n);

  const published: PublishedMessage[] = [];
  const deliveries: DeliveryRecord[] = [];
  const dedup = new Map<string, { messageId: string; at: number }>();
  const gate = new FlowGate();
  const pending = new Set<Promise<void>>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  let closed = false;

  const track = (p: Promise<void>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.set(t, resolve);
    });

  const attemptDelivery = async (msg: PublishedMessage, retries: number, delayMs: number) => {
    if (delayMs > 0) await sleep(delayMs);
    if (closed) return;
    for (let attempt = 0; attempt <= retries && !closed; attempt++) {
      if (attempt > 0) await sleep(retryDelayMs(attempt));
      if (closed) return;
      if (msg.flow) await gate.acquire(msg.flow);
      const ok = await attemptOnce(msg, attempt);
      if (msg.flow) gate.release(msg.flow, ok || attempt === retries || closed);
      if (ok) return;
    }
  };

  const attemptOnce = async (msg: PublishedMessage, attempt: number): Promise<boolean> => {
    if (closed) return false;
    const record: DeliveryRecord = { messageId: msg.messageId, url: msg.url, attempt, status: null, at: Date.now(), endedAt: null, body: msg.body, ...(msg.flow ? { flowKey: msg.flow.key } : {}) };
    deliveries.push(record);
    try {
      const r = await deliver(msg.url, msg.body, { messageId: msg.messageId, signWith: currentSigningKey, method: msg.method, headers: msg.headers, retried: attempt });
      record.status = r.status;
    } catch (error) {
      record.error = (error as Error).message;
    }
    record.endedAt = Date.now();
    return record.status !== null && record.status >= 200 && record.status < 300;
  };

  const publish = (destination: string, body: Buffer, headers: Record<string, string>): { messageId: string; deduplicated: boolean } => {
    const url = normalizeDestination(destination);
    assertLoopback(url);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    let dedupKey = lower["upstash-deduplication-id"];
    if (!dedupKey && lower["upstash-content-based-deduplication"] === "true") {
      dedupKey = `content:${createHash("sha256").update(url).update("\0").update(body).digest("hex")}`;
    }
    const flow = parseFlowControl(lower["upstash-flow-control-key"], lower["upstash-flow-control-value"]);
    const now = Date.now();
    if (dedupKey) {
      const seen = dedup.get(dedupKey);
      if (seen && now - seen.at < DEDUP_WINDOW_MS) {
        published.push({ messageId: seen.messageId, url, method: "POST", body: body.toString("utf8"), headers: {}, deduplicated: true, at: now });
        return { messageId: seen.messageId, deduplicated: true };
      }
    }
    const messageId = newMessageId();
    if (dedupKey) dedup.set(dedupKey, { messageId, at: now });

    const forward: Record<string, string> = {};
    for (const [k, v] of Object.entries(lower)) {
      if (k.startsWith("upstash-forward-")) forward[k.slice("upstash-forward-".length)] = v;
    }
    if (lower["content-type"]) forward["content-type"] = lower["content-type"];
    const msg: PublishedMessage = {
      messageId,
      url,
      method: (lower["upstash-method"] ?? "POST").toUpperCase(),
      body: body.toString("utf8"),
      headers: forward,
      deduplicated: false,
      at: now,
      ...(lower["upstash-deduplication-id"] ? { deduplicationId: lower["upstash-deduplication-id"] } : {}),
      ...(flow ? { flow } : {}),
    };
    published.push(msg);
    if (flow) gate.register(flow);
    const retries = lower["upstash-retries"] !== undefined ? Number(lower["upstash-retries"]) : (options.defaultRetries ?? 0);
    let delay = parseDelay(lower["upstash-delay"]);
    if (lower["upstash-not-before"]) delay = Math.max(delay, Number(lower["upstash-not-before"]) * 1000 - now);
    track(attemptDelivery(msg, Number.isFinite(retries) ? retries : 0, delay));
    return { messageId, deduplicated: false };
  };

  const flatHeaders = (req: http.IncomingMessage): Record<string, string> => Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));

  const handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      sendJson(res, 401, { error: "Unauthorized" });
      return;
    }
    const rawUrl = req.url ?? "/";
    const pathname = rawUrl.split("?")[0] ?? "/";
    try {
      if (req.method === "GET" && pathname === "/v2/keys") {
        sendJson(res, 200, { current: currentSigningKey, next: nextSigningKey });
        return;
      }
      if (req.method === "POST" && rawUrl.startsWith("/v2/publish/")) {
        const r = publish(rawUrl.slice("/v2/publish/".length), body, flatHeaders(req));
        if (r.deduplicated) sendJson(res, 202, { messageId: r.messageId, deduplicated: true });
        else sendJson(res, 201, { messageId: r.messageId });
        return;
      }
      const enqueue = /^\/v2\/enqueue\/[^/]+\/(.+)$/.exec(rawUrl);
      if (req.method === "POST" && enqueue) {
        const r = publish(enqueue[1]!, body, flatHeaders(req));
        sendJson(res, 201, { messageId: r.messageId });
        return;
      }
      if (req.method === "POST" && pathname === "/v2/batch") {
        const items = JSON.parse(body.toString("utf8")) as Array<{ destination: string; headers?: Record<string, string>; body?: string }>;
        // Each message is published on its own; one that fails gets an error entry, the others are still sent (features/batch).
        const out = items.map((item) => {
          try {
            const r = publish(item.destination, Buffer.from(item.body ?? "", "utf8"), item.headers ?? {});
            return { messageId: r.messageId, url: normalizeDestination(item.destination), ...(r.deduplicated ? { deduplicated: true } : {}) };
          } catch (error) {
            return { error: (error as Error).message };
          }
        });
        sendJson(res, 201, out);
        return;
      }
      sendJson(res, 404, { error: `qstash shim: no route for ${req.method} ${pathname}` });
    } catch (error) {
      sendJson(res, 400, { error: (error as Error).message });
    }
  };

  const shim = await startShimServer({
    handler,
    extraStats: () => ({ published: published.length, deliveries: deliveries.length, pending: pending.size }),
    onReset: () => {
      published.length = 0;
      deliveries.length = 0;
      dedup.clear();
    },
    onClose: async () => {
      closed = true;
      gate.close();
      for (const [t, resolve] of timers) {
        clearTimeout(t);
        resolve();
      }
      timers.clear();
      await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, 2_000))]);
    },
  });

  return {
    url: shim.url,
    port: shim.port,
    token,
    currentSigningKey,
    nextSigningKey,
    stats: shim.stats,
    resetStats: shim.resetStats,
    close: shim.close,
    published: () => [...published],
    deliveries: () => deliveries.map((d) => ({ ...d })),
    flowPeaks: () => gate.peaks(),
    idle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
