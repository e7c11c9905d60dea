/**
 * Static assets: the page script (immutable, content-hashed path), emoji images
 * (`/emoji/v2/svg/<codepoints>.svg`, as x.com's twemoji paths) and photos (`/media/<key>.jpg`),
 * served locally so a test browser never reaches outside.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { appBundle } from "./bundle.js";

const EMOJI = /^\/emoji\/v2\/svg\/[0-9a-f]{2,6}(?:-[0-9a-f]{2,6}){0,8}\.svg$/;
const MEDIA = /^\/media\/[A-Za-z0-9_-]{1,40}\.jpg$/;
const EMOJI_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 36 36"><circle cx="18" cy="18" r="16" fill="#ffcc4d"/></svg>`;
/** A 1×1 grey GIF. */
const PHOTO = Buffer.from("R0lGODlhAQABAIAAAMzMzAAAACH5BAAAAAAALAAAAAABAAEAAAICRAEAOw==", "base64");

function send(res: ServerResponse, type: string, body: string | Buffer, immutable: boolean): void {
  const cache = immutable ? "public, max-age=31536000, immutable" : "public, max-age=3600";
  res.writeHead(200, { "content-type": type, "cache-control": cache, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** Serves an asset path; false when the path is not an asset. */
export async function handleAsset(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (path === "/favicon.ico") {
    res.writeHead(204).end();
    return true;
  }
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (path.startsWith("/responsive-web/client-web/")) {
    const bundle = await appBundle();
    if (path !== bundle.path) {
      res.writeHead(404).end();
      return true;
    }
    send(res, "text/javascript; charset=utf-8", bundle.code, true);
    return true;
  }
  if (EMOJI.test(path)) send(res, "image/svg+xml", EMOJI_SVG, true);
  else if (MEDIA.test(path)) send(res, "image/gif", PHOTO, true);
  else return false;
  return true;
}
