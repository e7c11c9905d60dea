/** JSON responses and the client-mistake errors every route shares (never a 500 for these). */
import type { RunResult } from "../runner.js";
import { SECURITY_HEADERS } from "./security-headers.js";

/** Largest accepted request body. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A JSON response, with the {@link SECURITY_HEADERS}. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });
}

/** A client mistake: `{ error, message }` with a 4xx status. */
export function clientError(status: 400 | 401 | 404 | 405 | 413 | 415, error: string, message: string, headers: Record<string, string> = {}): Response {
  return json(status, { error, message }, headers);
}

/**
 * The same client mistake answered to an authentic QStash delivery: 489 with
 * `Upstash-NonRetryable-Error: true`, which QStash documents as "mark the message failed, skip
 * every retry, forward it to the DLQ" (https://upstash.com/docs/qstash/features/retry,
 * "Non-Retryable Error"); any other non-2xx is retried. The `{error, message}` body is kept.
 */
export function nonRetryable(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set("upstash-nonretryable-error", "true");
  return new Response(response.body, { status: 489, headers });
}

/** 405 naming the allowed methods. */
export function methodNotAllowed(allowed: readonly string[]): Response {
  return clientError(405, "method_not_allowed", `use ${allowed.join(" or ")}`, { allow: allowed.join(", ") });
}

/** Reads the raw body as text (byte-exact, a BOM included, for signatures), refusing more than MAX_BODY_BYTES. */
export async function readBody(request: Request): Promise<{ ok: true; text: string } | { ok: false; response: Response }> {
  const tooLarge = () => ({ ok: false as const, response: clientError(413, "payload_too_large", `body over ${MAX_BODY_BYTES} bytes`) });
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return tooLarge();
  if (!request.body) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => {});
        return tooLarge();
      }
      chunks.push(value);
    }
  } catch {
    // The body stream failed (the client went away mid-upload): the client's fault, not a 500.
    return { ok: false, response: clientError(400, "bad_request", "request body could not be read") };
  }
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(Buffer.concat(chunks)) };
  } catch {
    return { ok: false, response: clientError(400, "bad_encoding", "body is not valid UTF-8") };
  }
}

/** Parses JSON text (empty means `{}`), or answers 400. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; response: Response } {
  const json = text.startsWith("\ufeff") ? text.slice(1) : text;
  if (json.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch (error) {
    return { ok: false, response: clientError(400, "bad_json", `body is not JSON: ${(error as Error).message}`) };
  }
}

/** The status code of a finished run: 200 for ok and skipped, 503 (retryable) or 500 for failed. */
export function statusOf(result: RunResult): number {
  if (result.status !== "failed") return 200;
  return result.retryable ? 503 : 500;
}
