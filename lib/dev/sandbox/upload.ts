/**
 * Media upload as x.com's web client does it: the chunked flow on `upload.x.com/i/media/upload.json`
 * (served here on the sandbox origin), then alt text with `media/metadata/create`, then
 * CreateTweet referencing the `media_id_string`s in `variables.media.media_entities`.
 * Sources: developer.x.com "POST media/upload (INIT|APPEND|FINALIZE)" (command names,
 * `media_id_string`, APPEND as multipart with a `media` part and `segment_index`, FINALIZE
 * answering the id), "POST media/metadata/create" (JSON `{media_id, alt_text: {text}}`,
 * text <= 1000 chars, 2xx), elizaOS/agent-twitter-client src/tweets.ts (the same commands
 * against upload.twitter.com/1.1/media/upload.json, `media_entities: [{media_id, tagged_users: []}]`).
 * Limits: docs.x.com/x-api/media/quickstart/best-practices (JPG, PNG, GIF, WEBP; 5 MB, GIF 15 MB).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { delay, type SandboxCtx, type Viewer } from "./context.js";
import { xError } from "./gql/errors.js";
import { HttpError, sendJson } from "./http.js";

/** Where the web client uploads (x.com: upload.x.com; the sandbox: its own origin). */
export const UPLOAD_PATH = "/i/media/upload.json";
/** Where the web client sets alt text. */
export const METADATA_PATH = "/i/api/1.1/media/metadata/create.json";

const TYPES: Record<string, number> = { "image/png": 5 << 20, "image/jpeg": 5 << 20, "image/webp": 5 << 20, "image/gif": 15 << 20 };
const MAX_CHUNK = 6 << 20;
const SLOW_DEFAULT_MS = 3000;

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_CHUNK) throw new HttpError(413, "segment too large");
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function init(ctx: SandboxCtx, viewer: Viewer, res: ServerResponse, q: URLSearchParams): void {
  const type = q.get("media_type") ?? "";
  const total = Number(q.get("total_bytes"));
  if (ctx.state.consumeFault("upload_init", viewer.handle)?.kind === "upload_rejected_type" || !(type in TYPES)) {
    sendJson(res, 400, xError(324, `Unsupported media type: ${type || "none"}`));
    return;
  }
  if (!Number.isInteger(total) || total <= 0 || total > TYPES[type]!) {
    sendJson(res, 400, xError(324, "File size exceeds the limit."));
    return;
  }
  const mediaId = ctx.state.nextId(ctx.state.now());
  ctx.state.uploads.set(mediaId, { mediaId, mime: type, totalBytes: total, received: 0, finalized: false, alt: null, used: false });
  sendJson(res, 202, { media_id: Number(mediaId), media_id_string: mediaId, media_key: `3_${mediaId}`, expires_after_secs: 86_400 });
}

async function append(ctx: SandboxCtx, viewer: Viewer, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const upload = ctx.state.uploads.get(q.get("media_id") ?? "");
  const body = await readRaw(req);
  if (!upload || upload.finalized) return sendJson(res, 400, xError(324, "Invalid media id."));
  const fault = ctx.state.consumeFault("upload_append", viewer.handle);
  if (fault?.kind === "upload_slow") await delay(ctx, fault.ms ?? SLOW_DEFAULT_MS);
  if (fault?.kind === "upload_failed") return sendJson(res, 500, xError(131, "Internal error"));
  const form = await new Response(new Uint8Array(body), { headers: { "content-type": req.headers["content-type"] ?? "" } }).formData().catch(() => null);
  const media = form?.get("media");
  if (!media || typeof media === "string") return sendJson(res, 400, xError(38, "media parameter is missing."));
  upload.received += media.size;
  res.writeHead(204).end();
}

function finalize(ctx: SandboxCtx, res: ServerResponse, q: URLSearchParams): void {
  const upload = ctx.state.uploads.get(q.get("media_id") ?? "");
  if (!upload) {
    sendJson(res, 400, xError(324, "Invalid media id."));
    return;
  }
  if (upload.received !== upload.totalBytes) {
    sendJson(res, 400, xError(324, "Segments do not add up to provided total file size."));
    return;
  }
  upload.finalized = true;
  const { mediaId } = upload;
  sendJson(res, 201, { media_id: Number(mediaId), media_id_string: mediaId, media_key: `3_${mediaId}`, size: upload.totalBytes, expires_after_secs: 86_400, image: { image_type: upload.mime } });
}

/** `POST /i/media/upload.json?command=INIT|APPEND|FINALIZE` after auth. */
export async function handleUpload(ctx: SandboxCtx, viewer: Viewer, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method !== "POST") return sendJson(res, 405, xError(405, "Method not allowed"));
  const q = url.searchParams;
  switch (q.get("command")) {
    case "INIT":
      return init(ctx, viewer, res, q);
    case "APPEND":
      return append(ctx, viewer, req, res, q);
    case "FINALIZE":
      return finalize(ctx, res, q);
    default:
      return sendJson(res, 400, xError(38, "command parameter is missing."));
  }
}

/** `POST /i/api/1.1/media/metadata/create.json` `{media_id, alt_text: {text}}` after auth. */
export async function handleMetadata(ctx: SandboxCtx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "POST") return sendJson(res, 405, xError(405, "Method not allowed"));
  let body: { media_id?: unknown; alt_text?: { text?: unknown } };
  try {
    body = JSON.parse((await readRaw(req)).toString("utf8")) as typeof body;
  } catch {
    return sendJson(res, 400, xError(214, "Bad request: invalid JSON"));
  }
  const upload = ctx.state.uploads.get(String(body?.media_id ?? ""));
  const text = body?.alt_text?.text;
  if (!upload) return sendJson(res, 400, xError(324, "Invalid media id."));
  if (typeof text !== "string" || [...text].length > 1000) return sendJson(res, 400, xError(44, "alt_text.text must be a string of at most 1000 characters."));
  upload.alt = text;
  res.writeHead(200).end();
}
