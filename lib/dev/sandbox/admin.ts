/** Test-only admin API under `/__sandbox/`. */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkOrigin, loopbackOrigins } from "../origin.js";
import { z } from "zod";
import { addSession, HANDLE, sessionState, type SandboxCtx } from "./context.js";
import { HttpError, readJson, sendJson } from "./http.js";
import { allPosts } from "./queries.js";
import { applySeed, resetState, SeedSchema } from "./seed.js";
import { FAULT_KINDS, type FaultKind } from "./types.js";

const FaultSchema = z.object({
  kind: z.enum(FAULT_KINDS as [FaultKind, ...FaultKind[]]),
  count: z.number().int().min(1).optional(),
  skip: z.number().int().min(0).optional(),
  ms: z.number().int().min(0).max(600_000).optional(),
  user: z.string().regex(HANDLE).optional(),
});
const UserSchema = z.object({ handle: z.string().regex(HANDLE), premium: z.boolean().optional(), name: z.string().min(1).optional(), followers: z.number().int().min(0).optional() });

/** `POST users`: logs in one more user; answers its handle and storageState (409 when logged in already). */
async function addUser(ctx: SandboxCtx, req: IncomingMessage): Promise<unknown> {
  const { handle, ...options } = parse(UserSchema, await readJson(req));
  try {
    return { user: handle, storageState: sessionState(ctx, addSession(ctx, handle, options)) };
  } catch (err) {
    throw new HttpError(409, err instanceof Error ? err.message : String(err));
  }
}
const ClockSchema = z.object({
  nowMs: z.number().nullable().optional(),
  advanceMs: z.number().optional(),
});
const VariantSchema = z.object({ variant: z.enum(["a", "b"]) });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return r.data;
}

type Handler = (ctx: SandboxCtx, req: IncomingMessage) => Promise<unknown>;

async function setClock(ctx: SandboxCtx, req: IncomingMessage): Promise<unknown> {
  const body = parse(ClockSchema, await readJson(req));
  const s = ctx.state;
  if (body.nowMs !== undefined) s.clockOverride = body.nowMs;
  if (body.advanceMs !== undefined) s.clockOverride = s.now() + body.advanceMs;
  return { nowMs: s.now(), simulated: s.clockOverride !== null };
}

const ROUTES: Record<string, Handler> = {
  "GET posts": async (ctx) => ({ posts: allPosts(ctx.state) }),
  "GET fault": async (ctx) => ({ fault: ctx.state.fault }),
  "POST fault": async (ctx, req) => {
    ctx.state.setFault(parse(FaultSchema, await readJson(req)));
    return { fault: ctx.state.fault };
  },
  "DELETE fault": async (ctx) => {
    ctx.state.setFault(null);
    return { fault: null };
  },
  "POST reset": async (ctx) => {
    resetState(ctx.state);
    ctx.sessions.clear();
    return { ok: true };
  },
  "POST seed": async (ctx, req) => ({ posts: applySeed(ctx.state, parse(SeedSchema, await readJson(req))) }),
  "GET clock": async (ctx) => ({ nowMs: ctx.state.now(), simulated: ctx.state.clockOverride !== null }),
  "POST clock": setClock,
  "GET session": async (ctx) => sessionState(ctx),
  "POST users": addUser,
  "GET variant": async (ctx) => ({ variant: ctx.state.variant }),
  "POST variant": async (ctx, req) => {
    ctx.state.variant = parse(VariantSchema, await readJson(req)).variant;
    return { variant: ctx.state.variant };
  },
};

/**
 * Who may call the admin API: only a request with the sandbox's token and no foreign
 * `Origin` (a web page in the operator's browser could otherwise reset or fault it; a custom
 * header cannot be sent cross-origin without a CORS preflight, which is never answered).
 */
function refusal(ctx: SandboxCtx, req: IncomingMessage): { status: 401 | 403; error: string } | null {
  const origin = checkOrigin(req, loopbackOrigins(req.socket.localPort ?? 0));
  if (!origin.ok) return { status: 403, error: `requests from ${origin.origin} are refused` };
  const token = req.headers["x-sandbox-token"];
  if (typeof token !== "string" || !sameSecret(token, ctx.adminToken)) return { status: 401, error: "missing or wrong x-sandbox-token (Sandbox.adminToken)" };
  return null;
}

function sameSecret(given: string, expected: string): boolean {
  const hash = (v: string) => createHash("sha256").update(v).digest();
  return timingSafeEqual(hash(given), hash(expected));
}

/** Routes `/__sandbox/<name>` (and `DELETE /__sandbox/posts/<id>`) after {@link refusal}; unknown routes get 404 JSON. */
export async function handleAdmin(ctx: SandboxCtx, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const refused = refusal(ctx, req);
  if (refused) return sendJson(res, refused.status, { error: refused.error });
  const name = path.slice("/__sandbox/".length);
  const del = /^posts\/(\d+)$/.exec(name);
  try {
    if (del && req.method === "DELETE") {
      const ok = ctx.state.deletePost(del[1] ?? "");
      return sendJson(res, ok ? 200 : 404, ok ? { deleted: true } : { error: "no such live post" });
    }
    const handler = ROUTES[`${req.method ?? "GET"} ${name}`];
    if (!handler) return sendJson(res, 404, { error: `no admin route ${req.method} ${path}` });
    sendJson(res, 200, await handler(ctx, req));
  } catch (err) {
    const status = err instanceof HttpError ? err.status : 500;
    sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
  }
}
