/** Request routing: admin API, GraphQL, static assets, then pages (with page faults and the login wall). */
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleAdmin } from "./admin.js";
import type { AppConfig } from "./app/config.js";
import { handleAsset } from "./assets.js";
import { appBundle } from "./bundle.js";
import { delay, viewerOf, type SandboxCtx, type Viewer } from "./context.js";
import { NO_SUCH_PAGE } from "./gql/errors.js";
import { authorize, GRAPHQL_PATH, handleGraphql } from "./gql/router.js";
import { handleMetadata, handleUpload, METADATA_PATH, UPLOAD_PATH } from "./upload.js";
import { parseCookies, redirect, sendHtml, sendJson } from "./http.js";
import { SANDBOX_BEARER } from "./layout.js";
import { routeOf } from "./routes.js";
import { appShell } from "./shell.js";
import type { Variant } from "./types.js";
import { handleV2 } from "./v2/router.js";
import { challengePage, loggedOutPage } from "./walls.js";

/** Default delay of the `slow` fault. */
const SLOW_DEFAULT_MS = 3000;

function variantOf(ctx: SandboxCtx, url: URL): Variant {
  const q = url.searchParams.get("variant");
  return q === "a" || q === "b" ? q : ctx.state.variant;
}

function shellConfig(ctx: SandboxCtx, viewer: Viewer, variant: Variant, composerDisabled: boolean): AppConfig {
  const s = ctx.state;
  return {
    user: viewer.handle,
    userId: viewer.userId,
    name: s.userInfo(viewer.handle)?.name ?? viewer.handle,
    variant,
    composerDisabled,
    premium: viewer.premium,
    nowMs: s.now(),
    queryIds: { ...ctx.queryIds },
    bearer: SANDBOX_BEARER,
  };
}

/**
 * Serves an HTML page to the user its cookie logs in: page faults first, then the login wall,
 * then the app shell (404 for unknown paths).
 */
async function handlePage(ctx: SandboxCtx, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const viewer = viewerOf(ctx, parseCookies(req).auth_token);
  const fault = ctx.state.consumeFault("page", viewer?.handle);
  if (fault?.kind === "slow") await delay(ctx, fault.ms ?? SLOW_DEFAULT_MS);
  const variant = variantOf(ctx, url);
  const wall = { variant, user: viewer?.handle ?? ctx.state.user, nowMs: ctx.state.now() };
  if (fault?.kind === "challenge") return sendHtml(res, 200, challengePage(wall));
  const path = url.pathname;
  if (!viewer || fault?.kind === "login_wall") return sendHtml(res, 200, loggedOutPage(wall));
  if (path === "/" || path === "/login" || path === "/i/flow/login") return redirect(res, "/home");
  const bundle = await appBundle();
  const html = appShell({ config: shellConfig(ctx, viewer, variant, fault?.kind === "composer_disabled"), scriptPath: bundle.path });
  sendHtml(res, routeOf(path).kind === "notfound" ? 404 : 200, html);
}

/** Counts what X would see: page loads, GraphQL calls, v2 API calls (assets are not counted). */
function countRequest(ctx: SandboxCtx, path: string): void {
  const kind = path.startsWith("/2/") ? "api" : GRAPHQL_PATH.test(path) ? "graphql" : path.includes(".") ? null : "page";
  if (kind) ctx.requestCounts[kind]++;
}

async function route(ctx: SandboxCtx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sandbox.invalid");
  const path = url.pathname;
  if (path.startsWith("/__sandbox/")) return handleAdmin(ctx, req, res, path);
  countRequest(ctx, path);
  if (path.startsWith("/2/")) return handleV2(ctx, req, res, url);
  const gql = GRAPHQL_PATH.exec(path);
  if (gql) return handleGraphql(ctx, req, res, url, gql[2] ?? "");
  if (path === UPLOAD_PATH || path === METADATA_PATH) {
    const auth = authorize(ctx, req);
    if ("denied" in auth) return sendJson(res, auth.denied.status, auth.denied.body);
    return path === UPLOAD_PATH ? handleUpload(ctx, auth.viewer, req, res, url) : handleMetadata(ctx, req, res);
  }
  if (path.startsWith("/i/api/")) return sendJson(res, 404, NO_SUCH_PAGE);
  if (await handleAsset(req, res, path)) return;
  if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "method not allowed" });
  return handlePage(ctx, req, res, url);
}

/** The node:http request listener of a sandbox. */
export function createHandler(ctx: SandboxCtx): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(ctx, req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
    });
  };
}
