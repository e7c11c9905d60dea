/** Request routing: admin API, CreateTweet, then pages (with page faults and the login wall). */
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleAdmin } from "./admin.js";
import { handleCreateTweet } from "./api.js";
import { delay, type SandboxCtx } from "./context.js";
import { parseCookies, redirect, sendHtml, sendJson } from "./http.js";
import { composePage, homePage, mentionsPage, profilePage, statusPage, type PageCtx } from "./pages.js";
import type { Variant } from "./types.js";
import { challengePage, loggedOutPage, postNotFoundPage } from "./walls.js";

const CREATE_TWEET = /^\/i\/api\/graphql\/[A-Za-z0-9_-]+\/CreateTweet$/;
const STATUS = /^\/(?:i|i\/web|[A-Za-z0-9_]{1,15})\/status\/(\d{1,20})\/?$/;
const PROFILE = /^\/([A-Za-z0-9_]{1,15})\/?$/;
const RESERVED = new Set(["home", "explore", "notifications", "messages", "settings", "i", "compose", "login", "search"]);
/** Default delay of the `slow` fault. */
const SLOW_DEFAULT_MS = 3000;

/** Renders the logged-in page for a path; null when no page matches. */
function renderPage(p: PageCtx, path: string): string | null {
  if (path === "/home") return homePage(p);
  if (path === "/compose/tweet" || path === "/compose/post") return composePage(p);
  if (path === "/notifications/mentions" || path === "/notifications") return mentionsPage(p);
  const status = STATUS.exec(path);
  if (status) return statusPage(p, status[1] ?? "");
  const profile = PROFILE.exec(path);
  if (profile?.[1] && !RESERVED.has(profile[1].toLowerCase())) return profilePage(p, profile[1]);
  return null;
}

function variantOf(ctx: SandboxCtx, url: URL): Variant {
  const q = url.searchParams.get("variant");
  return q === "a" || q === "b" ? q : ctx.state.variant;
}

/** Serves an HTML page: page faults first, then the login wall, then the route. */
async function handlePage(ctx: SandboxCtx, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const fault = ctx.state.consumeFault("page");
  if (fault?.kind === "slow") await delay(ctx, fault.ms ?? SLOW_DEFAULT_MS);
  const p: PageCtx = {
    variant: variantOf(ctx, url),
    user: ctx.state.user,
    nowMs: ctx.state.now(),
    state: ctx.state,
    composerDisabled: fault?.kind === "composer_disabled",
  };
  if (fault?.kind === "challenge") return sendHtml(res, 200, challengePage(p));
  const loggedIn = parseCookies(req).auth_token === ctx.authToken && fault?.kind !== "login_wall";
  const path = url.pathname;
  const isLogin = path === "/" || path === "/login" || path === "/i/flow/login";
  if (!loggedIn) return sendHtml(res, 200, loggedOutPage(p));
  if (isLogin) return redirect(res, "/home");
  const html = renderPage(p, path);
  if (html === null) return sendHtml(res, 404, postNotFoundPage(p, ctx.state.userInfo(ctx.state.user)?.name ?? ""));
  sendHtml(res, 200, html);
}

async function route(ctx: SandboxCtx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sandbox.invalid");
  const path = url.pathname;
  if (path.startsWith("/__sandbox/")) return handleAdmin(ctx, req, res, path);
  if (CREATE_TWEET.test(path)) {
    if (req.method === "POST") return handleCreateTweet(ctx, req, res);
    return sendJson(res, 405, { errors: [{ code: 405, message: "Method not allowed" }] });
  }
  if (path.startsWith("/i/api/")) return sendJson(res, 404, { errors: [{ code: 34, message: "Sorry, that page does not exist." }] });
  if (path === "/favicon.ico") {
    res.writeHead(204).end();
    return;
  }
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
