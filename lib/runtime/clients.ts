/**
 * Builds the per-invocation clients from a Config. Nothing here is cached at module
 * level: each invocation (or the local server) calls this once and passes the result on.
 * Both clients are HTTP-based, so creating them opens no connection.
 */
import { join } from "node:path";
import type { Config } from "../config.js";
import { createSql, type Sql } from "../db/sql.js";
import { PostgresStateStore } from "../state/postgres.js";
import { RedisStateStore } from "../state/redis.js";
import type { StateStore } from "../state/store.js";

/** The clients every job context starts from. */
export interface Clients {
  readonly sql: Sql;
  readonly state: StateStore;
}

/** Creates the database and state clients the configuration asks for. */
export function createClients(config: Config): Clients {
  const sql = createSql({ databaseUrl: config.DATABASE_URL, httpEndpoint: config.XBOT_NEON_HTTP_URL, dataDir: join(config.XBOT_DATA_DIR, "db") });
  const state: StateStore =
    config.stateBackend === "redis"
      ? RedisStateStore.create({ url: config.UPSTASH_REDIS_REST_URL!, token: config.UPSTASH_REDIS_REST_TOKEN!, prefix: config.XBOT_PREFIX })
      : PostgresStateStore.create(sql, config.XBOT_PREFIX);
  return { sql, state };
}
