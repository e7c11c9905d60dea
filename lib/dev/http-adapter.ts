/**
 * node:http <-> Web Request/Response, so the local server runs the very route handlers the
 * Vercel functions export. The body is handed over byte for byte (QStash signs the raw
 * body), and at most MAX_BODY_BYTES + 1 bytes of it are kept: the route then answers 413
 * exactly as it does on Vercel, and the connection is closed after that answer.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../log.js";
import { MAX_BODY_BYTES } from "../runtime/http/respond.js";
import { SECURITY_HEADERS } from "../runtime/http/security-headers.js";
import { requestUrl, type UrlPolicy } from "./request-url.js";

export type { UrlPolicy } from "./request-url.js";

/** A Web handler, as the routes export them. */
export type WebHandler = (request: Request) => Promise<Response>;

/**
 * Reads a request body, keeping at most `cap` bytes. `overflow` is true when the body was
 * longer; the rest is not read (the caller closes the connection after answering).
 */
export function readRawBody(req: IncomingMessage, cap: number = MAX_BODY_BYTES + 1): Promise<{ body: Buffer; overflow: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (overflow: boolean) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      resolve({ body: Buffer.concat(chunks, Math.min(size, cap)).subarray(0, cap), overflow });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > cap) {
        req.pause();
        finish(true);
      }
    };
    req.on("data", onData);
    req.once("end", () => finish(false));
    req.once("error", (error) => {
      if (!done) {
        done = true;
        reject(error);
      }
    });
  });
}

/** Builds a Web Request from a node request and the body bytes read from it. */
export function toWebRequest(req: IncomingMessage, url: string, body: Buffer | null): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD" && body !== null;
  // A caller lying in Content-Length must not make undici reject the request: drop it, the
  // route measures the bytes itself (and a declared length over the limit is kept as a header
  // below only when it matches what was sent).
  if (hasBody && headers.get("content-length") !== String(body.byteLength)) headers.delete("content-length");
  return new Request(url, { method, headers, ...(hasBody ? { body: new Uint8Array(body) } : {}) });
}

/** Writes a Web Response to a node response (status, the security headers unless it sets its own, every header incl. set-cookie, body). */
export async function sendWebResponse(res: ServerResponse, response: Response, method: string, closeAfter = false): Promise<void> {
  const headers: Record<string, string | string[]> = { ...SECURITY_HEADERS };
  response.headers.forEach((value, name) => {
    if (name === "set-cookie") return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  if (closeAfter) headers.connection = "close";
  res.writeHead(response.status, headers);
  if (method === "HEAD" || !response.body) {
    res.end();
    return;
  }
  const buffer = Buffer.from(await response.arrayBuffer());
  res.end(buffer);
}

/**
 * Runs a Web handler for a node request: reads the body (capped), converts, calls, writes the
 * answer. A handler that throws answers 500 JSON without internals.
 */
export async function serveWeb(handler: WebHandler, req: IncomingMessage, res: ServerResponse, policy: UrlPolicy, log?: Logger): Promise<void> {
  const method = req.method ?? "GET";
  if (FORBIDDEN_METHODS.test(method)) {
    // undici (and so every Web handler) cannot even represent these methods: a client mistake.
    return sendWebResponse(res, Response.json({ error: "method_not_allowed", message: `${method} is not supported` }, { status: 405, headers: { allow: "GET, POST" } }), method);
  }
  const { body, overflow } = method === "GET" || method === "HEAD" ? { body: null, overflow: false } : await readRawBody(req);
  let request: Request;
  try {
    request = toWebRequest(req, requestUrl(req, policy), body);
  } catch (error) {
    log?.warn("local server: request refused, it cannot be represented as a Web Request", { path: req.url, cause: error instanceof Error ? error.message : String(error) });
    return sendWebResponse(res, Response.json({ error: "bad_request", message: "the request line or headers cannot be used" }, { status: 400 }), method, true);
  }
  let response: Response;
  try {
    response = await handler(request);
  } catch (error) {
    log?.error("local server: a route threw", { path: req.url, cause: error instanceof Error ? error.message : String(error) });
    response = Response.json({ error: "internal", message: "unexpected error in the local server" }, { status: 500 });
  }
  await sendWebResponse(res, response, method, overflow);
  if (overflow) res.once("finish", () => req.destroy());
}

/** Methods the Fetch standard forbids in a Request (https://fetch.spec.whatwg.org/#forbidden-method). */
const FORBIDDEN_METHODS = /^(connect|trace|track)$/i;
