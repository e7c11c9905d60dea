/**
 * How tests reach the real services started by tests/support/global-setup.ts.
 *
 *   import { services, createTestDatabase, uniquePrefix } from "../support/env.js";
 *   const svc = services();
 *   describe.skipIf(!svc.postgres)("...", () => { ... });
 *
 * A service is null when its binary is missing (the run prints one loud line;
 * set XBOT_TEST_REQUIRE=postgres,redis to make that an error instead).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export type TestServices = {
  postgres: {
    /** postgres://postgres@127.0.0.1:PORT/postgres (trust auth, user postgres) */
    url: string;
    host: string;
    port: number;
    /** http://127.0.0.1:P/sql : the Neon HTTP shim; use as neonConfig.fetchEndpoint */
    neonHttpUrl: string;
    /** "127.0.0.1:P/" : the Neon WebSocket proxy; neonConfig.wsProxy = () => wsProxy */
    wsProxy: string;
  } | null;
  redis: {
    /** redis://127.0.0.1:PORT (raw Redis, for ioredis) */
    url: string;
    port: number;
    /** Upstash REST shim base url: new Redis({ url: restUrl, token: restToken }) */
    restUrl: string;
    restToken: string;
  } | null;
  qstash: {
    /** QStash shim base url: new Client({ baseUrl: url, token }) */
    url: string;
    token: string;
    currentSigningKey: string;
    nextSigningKey: string;
  } | null;
};

declare module "vitest" {
  export interface ProvidedContext {
    services: TestServices;
  }
}

/** Connection info for the shared test services (from vitest's globalSetup). */
export function services(): TestServices {
  const provided = inject("services");
  if (!provided) {
    throw new Error('test services were not provided: run through vitest.config.ts (globalSetup "tests/support/global-setup.ts")');
  }
  return provided;
}

function requirePostgres(): NonNullable<TestServices["postgres"]> {
  const p = services().postgres;
  if (!p) throw new Error("Postgres test service is not available (see the [xbot tests] line at the start of the run)");
  return p;
}

function uniqueSuffix(): string {
  return `${process.pid.toString(36)}${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
}

/** Replace the database in a postgres:// url. */
export function databaseUrl(database: string): string {
  const u = new URL(requirePostgres().url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/**
 * CREATE DATABASE with a unique name (prefixed by `name` if given) on the
 * throwaway server. Returns its postgres://postgres@127.0.0.1:PORT/<db> url,
 * usable with pg, neon() (via the HTTP shim) and the Neon Pool (via the ws proxy).
 */
export async function createTestDatabase(name = "t"): Promise<string> {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^[^a-z_]+/, "t_");
  const database = `${base}_${uniqueSuffix()}`.slice(0, 63);
  const client = new pg.Client({ connectionString: requirePostgres().url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return databaseUrl(database);
}

/** DROP DATABASE ... WITH (FORCE): also kills pooled connections (shim pools recover by themselves). */
export async function dropTestDatabase(urlOrName: string): Promise<void> {
  const database = urlOrName.includes("://") ? decodeURIComponent(new URL(urlOrName).pathname.slice(1)) : urlOrName;
  if (database === "postgres" || database.startsWith("template")) throw new Error(`refusing to drop ${database}`);
  const client = new pg.Client({ connectionString: requirePostgres().url });
  await client.connect();
  try {
    // Let clients that just ended finish closing first: FORCE terminates a backend whose client
    // still has its socket open, and that client then throws an uncaught FATAL 57P01.
    for (let i = 0; i < 30; i++) {
      const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [database]);
      if ((rows[0]?.n ?? 0) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await client.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A unique Redis key prefix (e.g. "t:1a2b:k3j4:9f8e7d6c:") so tests sharing one Redis never collide. */
export function uniquePrefix(label = "t"): string {
  return `${label}:${uniqueSuffix()}:`;
}
