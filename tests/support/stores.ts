/**
 * The StateStore implementations under test, built on the real services: Redis through
 * the Upstash REST shim, Postgres through the Neon HTTP shim, and embedded PGlite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { createSql, type Sql } from "../../lib/db/sql.js";
import { migrate } from "../../lib/db/migrate.js";
import { PostgresStateStore } from "../../lib/state/postgres.js";
import { RedisStateStore } from "../../lib/state/redis.js";
import type { StateStore } from "../../lib/state/store.js";
import { createTestDatabase, services } from "./env.js";

/** One store kind the contract suite runs against. */
export interface StoreTarget {
  readonly name: "redis" | "postgres" | "pglite";
  /** Null when the service is missing (the suite is skipped with a loud line). */
  readonly available: boolean;
  /** A fresh store with its own key prefix. */
  create(): Promise<StateStore>;
}

/** A unique, valid state prefix. */
export function testPrefix(): string {
  return `t${randomBytes(6).toString("hex")}`;
}

/** A migrated Sql on a fresh database of the real Postgres (through the Neon HTTP shim). */
export async function postgresSql(): Promise<Sql> {
  const pg = services().postgres!;
  const sql = createSql({ databaseUrl: await createTestDatabase("xbot"), httpEndpoint: pg.neonHttpUrl, dataDir: tmpdir() });
  await migrate(sql);
  return sql;
}

/** A migrated Sql on a fresh embedded PGlite; `cleanup` removes its directory. */
export async function pgliteSql(): Promise<{ sql: Sql; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "xbot-pglite-"));
  const sql = createSql({ dataDir: dir });
  await migrate(sql);
  return { sql, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const cleanups: (() => void)[] = [];

/** Removes the embedded databases the targets created (call in afterAll). */
export function cleanupStores(): void {
  for (const c of cleanups.splice(0)) c();
}

/** The three targets; each memoises its database so a file migrates once. */
export function storeTargets(): StoreTarget[] {
  const svc = services();
  let pgSql: Promise<Sql> | undefined;
  let liteSql: Promise<Sql> | undefined;
  return [
    {
      name: "redis",
      available: svc.redis !== null,
      create: async () => RedisStateStore.create({ url: svc.redis!.restUrl, token: svc.redis!.restToken, prefix: testPrefix() }),
    },
    {
      name: "postgres",
      available: svc.postgres !== null,
      create: async () => {
        pgSql ??= postgresSql();
        return PostgresStateStore.create(await pgSql, testPrefix());
      },
    },
    {
      name: "pglite",
      available: true,
      create: async () => {
        liteSql ??= pgliteSql().then((p) => {
          cleanups.push(p.cleanup);
          return p.sql;
        });
        return PostgresStateStore.create(await liteSql, testPrefix());
      },
    },
  ];
}
