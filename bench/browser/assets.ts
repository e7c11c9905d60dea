/**
 * The local page server the browser benchmarks navigate to: a tiny page, and a page with
 * IMAGES images, FONTS web fonts and one cacheable script, whose bytes and requests are
 * counted at the server.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Images on the asset page. */
export const IMAGES = 20;
/** Web fonts on the asset page. */
export const FONTS = 4;
/** Size of every image and font the server sends. */
export const ASSET_BYTES = 50 * 1024;
/** Size of the page's script, served with a stable URL and Cache-Control: max-age (like X's bundles). */
export const SCRIPT_BYTES = 100 * 1024;

/** A running asset server on 127.0.0.1. */
export interface AssetServer {
  /** `http://127.0.0.1:PORT`; paths `/tiny` and `/page?<query>`. */
  readonly url: string;
  /** Response bytes and requests served so far. */
  counters(): { bytes: number; requests: number };
  /** Delays every response by `ms` from now on (0: none). */
  setDelay(ms: number): void;
  /** Closes the server and all its connections. */
  close(): Promise<void>;
}

/** Starts the asset server on a free 127.0.0.1 port. */
export async function startAssetServer(): Promise<AssetServer> {
  const asset = randomBytes(ASSET_BYTES);
  let bytes = 0;
  let requests = 0;
  let delayMs = 0;
  const page = (query: string): string => {
    const faces = Array.from({ length: FONTS }, (_, f) => `@font-face{font-family:F${f};src:url(/font/${f}.woff2?${query}) format("woff2")}`).join("");
    const texts = Array.from({ length: FONTS }, (_, f) => `<p style="font-family:F${f}">Text in font ${f}</p>`).join("");
    const images = Array.from({ length: IMAGES }, (_, i) => `<img src="/img/${i}.png?${query}" width="40" height="40">`).join("");
    return `<!doctype html><html><head><title>assets</title><style>${faces}</style><script src="/app.js"></script></head><body><h1>assets</h1>${texts}${images}</body></html>`;
  };
  const script = `/* app */${" ".repeat(SCRIPT_BYTES - 20)}var app=1;`;
  const send = (res: ServerResponse, type: string, body: Buffer | string, cache = "no-store"): void => {
    const length = Buffer.byteLength(body);
    bytes += length;
    res.writeHead(200, { "content-type": type, "content-length": length, "cache-control": cache }).end(body);
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    requests += 1;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const respond = (): void => {
      if (url.pathname === "/tiny") send(res, "text/html", "<!doctype html><html><head><title>tiny</title></head><body>ok</body></html>");
      else if (url.pathname === "/page") send(res, "text/html", page(url.search.slice(1)));
      else if (url.pathname === "/app.js") send(res, "text/javascript", script, "public, max-age=3600");
      else if (url.pathname.startsWith("/img/")) send(res, "image/png", asset);
      else if (url.pathname.startsWith("/font/")) send(res, "font/woff2", asset);
      else res.writeHead(404).end();
    };
    if (delayMs > 0) setTimeout(respond, delayMs);
    else respond();
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counters: () => ({ bytes, requests }),
    setDelay: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
