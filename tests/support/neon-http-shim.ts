/**
 * Neon's HTTP SQL protocol (what `neon()` from @neondatabase/serverless
 * speaks) served over a real Postgres through `pg`.
 *
 *   POST /sql  {query, params}            -> {command,rowCount,rowAsArray,fields,rows}
 *   POST /sql  {queries:[{query,params}]} -> {results:[...]}   (one transaction)
 *   error                                  -> 400 {message,code,severity,detail,hint,position,...}
 *
 * Host and port come from the shim's OWN upstream config (the driver drops or
 * rewrites them); the database name and user come from the
 * `Neon-Connection-String` header, so a test can CREATE DATABASE and point a
 * connection string at it. Values are returned as raw text (identity type
 * parsers), exactly like Neon with `Neon-Raw-Text-Output: true`.
 */
import type http from "node:http";
import pg from "pg";
import { sendJson, startShimServer, type ShimHandle } from "./shim-server.js";

export interface NeonHttpShimOptions {
  /** Upstream Postgres port on 127.0.0.1. */
  port: number;
  host?: string;
  /** pg.Pool max per database. Default 50. */
  poolMax?: number;
  /** Idle pooled connections are closed after this. Default 2000 ms. */
  idleTimeoutMillis?: number;
}

export interface NeonHttpShim extends ShimHandle {
  /** http://127.0.0.1:PORT/sql : use as `neonConfig.fetchEndpoint`. */
  sqlUrl: string;
  /** Close pooled connections to one database (e.g. before DROP DATABASE). */
  releaseDatabase(database: string): Promise<void>;
}

interface QueryPayload {
  query: string;
  params?: unknown[];
}

/** pg `types` override: every value comes back as its raw text. */
const rawTextTypes = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

const PG_ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

const ISOLATION_LEVELS: Record<string, string> = {
  readuncommitted: "READ UNCOMMITTED",
  readcommitted: "READ COMMITTED",
  repeatableread: "REPEATABLE READ",
  serializable: "SERIALIZABLE",
};

function isPgError(error: unknown): error is Error & Record<string, unknown> {
  return typeof error === "object" && error !== null && typeof (error as { severity?: unknown }).severity === "string";
}

function errorBody(error: unknown): Record<string, unknown> {
  const e = error as Record<string, unknown> & { message?: string };
  const body: Record<string, unknown> = { message: e?.message ?? String(error) };
  for (const field of PG_ERROR_FIELDS) {
    if (e?.[field] !== undefined) body[field] = e[field];
  }
  return body;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function toNeonResult(result: pg.QueryResult, arrayMode: boolean) {
  const fields = result.fields.map((f) => ({
    name: f.name,
    tableID: f.tableID,
    columnID: f.columnID,
    dataTypeID: f.dataTypeID,
    dataTypeSize: f.dataTypeSize,
    dataTypeModifier: f.dataTypeModifier,
    format: "text",
  }));
  const rows = arrayMode ? result.rows : (result.rows as unknown[][]).map((row) => Object.fromEntries(row.map((v, i) => [fields[i]?.name ?? String(i), v])));
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows,
    fields,
    rowAsArray: arrayMode,
  };
}

export async function startNeonHttpShim(options: NeonHttpShimOptions): Promise<NeonHttpShim> {
  const host = options.host ?? "127.0.0.1";
  const pools = new Map<string, pg.Pool>();
  let queries = 0;
  let transactions = 0;
  let errors = 0;
  /** HTTP requests (round trips) per database, so a test can count its own among parallel tests. */
  const byDatabase = new Map<string, number>();

  const poolFor = (user: string, database: string, password: string | undefined): pg.Pool => {
    const key = `${user}\u0000${database}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = new pg.Pool({
        host,
        port: options.port,
        user,
        password,
        database,
        max: options.poolMax ?? 50,
        idleTimeoutMillis: options.idleTimeoutMillis ?? 2_000,
        connectionTimeoutMillis: 10_000,
        types: rawTextTypes,
        application_name: "neon-http-shim",
      });
      // Idle clients can be killed by the server (DROP DATABASE ... FORCE, restarts).
      pool.on("error", () => {});
      pools.set(key, pool);
    }
    return pool;
  };

  const run = async (client: pg.PoolClient, q: QueryPayload, arrayMode: boolean) => {
    queries++;
    const raw = (await client.query({ text: q.query, values: q.params ?? [], rowMode: "array" })) as pg.QueryResult | pg.QueryResult[];
    // A multi-statement simple query yields several results: Neon reports the last.
    const result = Array.isArray(raw) ? raw[raw.length - 1]! : raw;
    return toNeonResult(result, arrayMode);
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    if (req.method !== "POST") {
      sendJson(res, 405, { message: "only POST is supported" });
      return;
    }
    let payload: QueryPayload | { queries: QueryPayload[] };
    try {
      payload = JSON.parse(body.toString("utf8")) as typeof payload;
    } catch {
      sendJson(res, 400, { message: "request body is not valid JSON" });
      return;
    }
    const connectionString = header(req, "Neon-Connection-String");
    let user = "postgres";
    let database = "postgres";
    let password: string | undefined;
    if (connectionString) {
      try {
        const u = new URL(connectionString.replace(/^postgres(ql)?:/, "http:"));
        user = decodeURIComponent(u.username) || user;
        password = u.password ? decodeURIComponent(u.password) : undefined;
        database = decodeURIComponent(u.pathname.replace(/^\//, "")) || database;
      } catch {
        sendJson(res, 400, { message: `invalid Neon-Connection-String: ${connectionString}` });
        return;
      }
    }
    byDatabase.set(database, (byDatabase.get(database) ?? 0) + 1);
    const arrayMode = header(req, "Neon-Array-Mode") === "true";
    const pool = poolFor(user, database, password);

    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      errors++;
      // e.g. 3D000 database does not exist is a real Postgres error: 400 like Neon
      if (isPgError(error)) sendJson(res, 400, errorBody(error));
      else sendJson(res, 503, { message: `Error connecting to database: ${(error as Error).message}` });
      return;
    }

    let broken: Error | undefined;
    try {
      if ("queries" in payload && Array.isArray(payload.queries)) {
        transactions++;
        const modes: string[] = [];
        const iso = header(req, "Neon-Batch-Isolation-Level");
        if (iso) {
          const level = ISOLATION_LEVELS[iso.replace(/[\s_-]/g, "").toLowerCase()];
          if (!level) {
            sendJson(res, 400, { message: `invalid Neon-Batch-Isolation-Level: ${iso}` });
            return;
          }
          modes.push(`ISOLATION LEVEL ${level}`);
        }
        const readOnly = header(req, "Neon-Batch-Read-Only");
        if (readOnly === "true") modes.push("READ ONLY");
        else if (readOnly === "false") modes.push("READ WRITE");
        const deferrable = header(req, "Neon-Batch-Deferrable");
        if (deferrable === "true") modes.push("DEFERRABLE");
        else if (deferrable === "false") modes.push("NOT DEFERRABLE");

        await client.query(`BEGIN${modes.length ? ` ${modes.join(" ")}` : ""}`);
        try {
          const results = [];
          for (const q of payload.queries) results.push(await run(client, q, arrayMode));
          await client.query("COMMIT");
          sendJson(res, 200, { results });
        } catch (error) {
          await client.query("ROLLBACK").catch((e: Error) => (broken = e));
          throw error;
        }
      } else {
        sendJson(res, 200, await run(client, payload as QueryPayload, arrayMode));
      }
    } catch (error) {
      errors++;
      if (isPgError(error)) {
        sendJson(res, 400, errorBody(error));
      } else {
        broken = error as Error;
        sendJson(res, 503, { message: `Error talking to database: ${(error as Error).message}` });
      }
    } finally {
      client.release(broken);
    }
  };

  const shim = await startShimServer({
    handler,
    extraStats: () => ({ queries, transactions, errors, pools: pools.size, byDatabase: Object.fromEntries(byDatabase) }),
    onReset: () => {
      byDatabase.clear();
      queries = 0;
      transactions = 0;
      errors = 0;
    },
    onClose: async () => {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.end().catch(() => {})));
    },
  });

  return {
    url: shim.url,
    port: shim.port,
    sqlUrl: `${shim.url}/sql`,
    stats: shim.stats,
    resetStats: shim.resetStats,
    close: shim.close,
    releaseDatabase: async (database: string) => {
      for (const [key, pool] of pools) {
        if (key.endsWith(`\u0000${database}`)) {
          pools.delete(key);
          await pool.end().catch(() => {});
        }
      }
    },
  };
}
