/**
 * A small local web app that mimics x.com for tests and local runs: logged-in pages are an
 * app shell whose page script (lib/dev/sandbox/app, bundled with esbuild) fetches GraphQL
 * operations in x.com's shapes and renders the DOM; CreateTweet / CreateNoteTweet, faults,
 * DOM variants and a hidden engagement model. Plain node:http, state in memory.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { appBundle } from "./bundle.js";
import { addSession, sessionState, type SandboxCtx } from "./context.js";
import { DEFAULT_ENGAGEMENT } from "./engagement.js";
import { OPERATIONS } from "./gql/router.js";
import { allPosts } from "./queries.js";
import { applySeed, resetState } from "./seed.js";
import { createHandler } from "./server.js";
import { SandboxState } from "./state.js";
import type { Sandbox, SandboxOptions } from "./types.js";
import type { ApiKeys } from "./v2/oauth1.js";
import { newOAuth2State } from "./v2/oauth2.js";

export { DEFAULT_ENGAGEMENT, GROWTH_TAU_MS, VIEWS_PER_LIKE, topicOf } from "./engagement.js";
export { AUTOMATED_226_MESSAGE, LOCKED_326_MESSAGE, SUSPENDED_64_MESSAGE } from "./gql/errors.js";
export { TOMBSTONE_TEXT } from "./gql/tweet.js";
export { CREATE_TWEET_QUERY_ID } from "./layout.js";
export { MAX_NOTE_WEIGHT, MAX_TWEET_WEIGHT, weightedLength } from "./length.js";
export { FAULT_SCOPES, type FaultScope } from "./faults.js";
export * from "./texts.js";
export * from "./types.js";
export type { ApiKeys } from "./v2/oauth1.js";
export type { ApiCallRecord } from "./v2/router.js";

/** True for a loopback host: localhost, ::1 or 127.0.0.0/8. */
function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Fresh OAuth 1.0a keys for the sandbox's v2 endpoints. */
function randomApiKeys(): ApiKeys {
  const key = (n: number) => randomBytes(n).toString("base64url");
  return { appKey: key(18), appSecret: key(36), accessToken: `1790000000000000001-${key(20)}`, accessSecret: key(33) };
}

/** A random x.com-looking query id (22 base64url characters) per operation. */
function randomQueryIds(): Record<string, string> {
  return Object.fromEntries(OPERATIONS.map((op) => [op, randomBytes(16).toString("base64url").slice(0, 22)]));
}

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

/**
 * Starts a sandbox on `host:port` (default 127.0.0.1, a free port) with the default seed. The
 * page script is built first (once per process), so a broken bundle fails here.
 */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopback(host)) throw new Error(`the sandbox binds loopback only (127.0.0.1, ::1, localhost), not ${host}: its admin API can reset and fault it`);
  await appBundle();
  const user = options.user ?? "xbot_sandbox";
  const model = options.engagement ?? DEFAULT_ENGAGEMENT;
  const state = new SandboxState(user, model, options.nowMs ?? Date.now, options.premium === true);
  resetState(state);
  const ctx: SandboxCtx = {
    state,
    authToken: options.authToken ?? randomBytes(20).toString("hex"),
    sessions: new Map(),
    adminToken: options.adminToken ?? randomBytes(24).toString("base64url"),
    ct0: randomBytes(16).toString("hex"),
    host,
    userId: "1790000000000000001",
    queryIds: randomQueryIds(),
    timers: new Set(),
    held: new Set(),
    apiKeys: options.apiKeys ?? randomApiKeys(),
    apiAccessLevel: options.apiAccessLevel ?? "read-write",
    apiCalls: [],
    apiRevoked: false,
    apiWindows: new Map(),
    requestCounts: { page: 0, graphql: 0, api: 0 },
    oauth2: newOAuth2State(),
  };
  const server = createServer(createHandler(ctx));
  const port = await listen(server, options.port ?? 0, host);
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    user,
    authToken: ctx.authToken,
    adminToken: ctx.adminToken,
    queryIds: ctx.queryIds,
    storageState: () => sessionState(ctx),
    addUser: (handle, userOptions) => {
      const session = addSession(ctx, handle, userOptions);
      return { user: session.handle, authToken: session.authToken, storageState: () => sessionState(ctx, session) };
    },
    posts: () => allPosts(state),
    uploads: () => [...state.uploads.values()].map((u) => ({ ...u })),
    setFault: (f) => state.setFault(f),
    setVariant: (v) => {
      state.variant = v;
    },
    setNow: (ms) => {
      state.clockOverride = ms;
    },
    seed: (input) => applySeed(state, input),
    apiKeys: ctx.apiKeys,
    apiCalls: () => ctx.apiCalls.map((c) => ({ ...c })),
    revokeApiToken: (revoked) => {
      ctx.apiRevoked = revoked;
    },
    requestCounts: () => ({ ...ctx.requestCounts }),
    oauth2: () => ({ clientId: ctx.oauth2.clientId, refreshToken: ctx.oauth2.refreshToken, refreshes: ctx.oauth2.refreshes }),
    reset: () => {
      resetState(state);
      ctx.sessions.clear();
      ctx.apiCalls.length = 0;
      ctx.apiRevoked = false;
      ctx.requestCounts = { page: 0, graphql: 0, api: 0 };
      ctx.apiWindows.clear();
    },
    close: () => (closing ??= shutdown(server, ctx)),
  };
}
