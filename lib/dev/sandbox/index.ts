/**
 * A small local web app that mimics x.com (markup, CreateTweet, faults, engagement) for tests
 * and local runs. Plain node:http, state in memory.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sessionState, type SandboxCtx } from "./context.js";
import { DEFAULT_ENGAGEMENT } from "./engagement.js";
import { allPosts } from "./queries.js";
import { applySeed, resetState } from "./seed.js";
import { createHandler } from "./server.js";
import { SandboxState } from "./state.js";
import type { Sandbox, SandboxOptions } from "./types.js";

export { DEFAULT_ENGAGEMENT, GROWTH_TAU_MS, VIEWS_PER_LIKE, topicOf } from "./engagement.js";
export { AUTOMATED_226_MESSAGE } from "./api.js";
export { CREATE_TWEET_QUERY_ID } from "./layout.js";
export { CHALLENGE_TEXT, NO_ACCOUNT_TEXT, NOT_FOUND_TEXT } from "./walls.js";
export * from "./types.js";

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function shutdown(server: Server, ctx: SandboxCtx): Promise<void> {
  for (const t of ctx.timers) clearTimeout(t);
  ctx.timers.clear();
  for (const res of ctx.held) res.destroy();
  ctx.held.clear();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Starts a sandbox on `host:port` (default 127.0.0.1, a free port) with the default seed. */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  const user = options.user ?? "xbot_sandbox";
  const state = new SandboxState(user, options.engagement ?? DEFAULT_ENGAGEMENT, options.nowMs ?? Date.now);
  resetState(state);
  const ctx: SandboxCtx = {
    state,
    authToken: options.authToken ?? randomBytes(20).toString("hex"),
    ct0: randomBytes(16).toString("hex"),
    host,
    userId: "1790000000000000001",
    timers: new Set(),
    held: new Set(),
  };
  const server = createServer(createHandler(ctx));
  const port = await listen(server, options.port ?? 0, host);
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    user,
    authToken: ctx.authToken,
    storageState: () => sessionState(ctx),
    posts: () => allPosts(state),
    setFault: (f) => state.setFault(f),
    setVariant: (v) => {
      state.variant = v;
    },
    setNow: (ms) => {
      state.clockOverride = ms;
    },
    seed: (input) => applySeed(state, input),
    reset: () => resetState(state),
    close: () => (closing ??= shutdown(server, ctx)),
  };
}
