/** Real services for benchmarks, started in-process from the same starters the tests use. */
import { tmpdir } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { startPostgres, startRedis } from "../../tests/support/services.js";
import { startNeonHttpShim, type NeonHttpShim } from "../../tests/support/neon-http-shim.js";
import { startUpstashShim, type UpstashShim } from "../../tests/support/upstash-shim.js";
import { createSql, type Sql } from "../../lib/db/sql.js";
import { migrate } from "../../lib/db/migrate.js";

/** What a benchmark gets. */
export interface BenchServices {
  readonly neon: NeonHttpShim;
  readonly upstash: UpstashShim;
  /** postgres:// URL of the server's admin database (to CREATE DATABASE). */
  readonly postgresUrl: string;
  /** A migrated Sql on a fresh database of the real Postgres, through the Neon HTTP shim. */
  postgresSql(): Promise<Sql>;
  /** Like postgresSql, with the database URL (for building a Config). */
  postgresDatabase(): Promise<{ sql: Sql; url: string }>;
  /** A migrated Sql on a fresh embedded PGlite. */
  pgliteSql(): Promise<Sql>;
  stop(): Promise<void>;
}

/** Starts Postgres, Redis and their shims. */
export async function startBenchServices(): Promise<BenchServices> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const neon = await startNeonHttpShim({ port: postgres.port });
  const upstash = await startUpstashShim({ port: redis.port, token: "bench-token" });
  const dirs: string[] = [];
  let n = 0;
  async function postgresDatabase(): Promise<{ sql: Sql; url: string }> {
    const name = `bench_${process.pid}_${n++}`;
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const sql = createSql({ databaseUrl: postgres.urlFor(name), httpEndpoint: neon.sqlUrl, dataDir: tmpdir() });
    await migrate(sql);
    return { sql, url: postgres.urlFor(name) };
  }
  return {
    neon,
    upstash,
    postgresUrl: postgres.url,
    async postgresSql() {
      return (await postgresDatabase()).sql;
    },
    postgresDatabase,
    async pgliteSql() {
      const dir = mkdtempSync(join(tmpdir(), "xbot-bench-"));
      dirs.push(dir);
      const sql = createSql({ dataDir: dir });
      await migrate(sql);
      return sql;
    },
    async stop() {
      await Promise.allSettled([neon.close(), upstash.close()]);
      await Promise.allSettled([postgres.stop(), redis.stop()]);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
