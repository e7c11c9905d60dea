/**
 * Applies lib/db/migrations/*.sql in name order, each in its own transaction, recorded in
 * `xbot_migrations`. Idempotent, and safe when several cold starts run it at once: every
 * migration transaction first takes one advisory lock, then re-checks whether it is applied.
 * Migrations hold table changes only. Each database function has ONE current source,
 * lib/db/migrations/functions/NN_name.sql (CREATE OR REPLACE), applied after the migrations in
 * name order whenever their combined checksum differs from the one recorded (version
 * `functions`), so fresh and already migrated databases end with the same functions.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { XbotError } from "../errors.js";
import { sharedUntilRejected } from "../promise-cache.js";
import type { Sql } from "./sql.js";

/** Directory of the bundled migrations (vercel.json includes it in every function). */
export const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));
/** Directory of the database functions, one file each (inside MIGRATIONS_DIR, so it ships with them). */
export const FUNCTIONS_DIR = fileURLToPath(new URL("./migrations/functions/", import.meta.url));
const FUNCTIONS_VERSION = "functions";
const LOCK_ID = 7_405_001;
const BODY_TAG = "$xbot_migration_body$";

/** One migration file. */
export interface Migration {
  readonly version: string;
  readonly sql: string;
  readonly checksum: string;
}

/** Reads the migrations of a directory, in order. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(dir + file, "utf8");
      if (sql.includes(BODY_TAG)) throw new XbotError("internal", `migration ${file} must not contain ${BODY_TAG}`);
      return { version: file.replace(/\.sql$/, ""), sql, checksum: createHash("sha256").update(sql).digest("hex").slice(0, 16) };
    });
}

/** Applies pending migrations; returns the versions this call applied (others may have raced). */
export async function migrate(sql: Sql, migrations: readonly Migration[] = readMigrations()): Promise<{ applied: string[]; pending: number }> {
  const done = await appliedChecksums(sql);
  const pending = migrations.filter((m) => !done.has(m.version));
  const applied: string[] = [];
  for (const m of pending) {
    const [, , , recorded] = await sql.transaction([
      { text: `SELECT pg_advisory_xact_lock(${LOCK_ID})` },
      { text: "CREATE TABLE IF NOT EXISTS xbot_migrations (version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())" },
      { text: applyOnce(m) },
      { text: "SELECT checksum FROM xbot_migrations WHERE version = $1 AND applied_at = now()", params: [m.version] },
    ]);
    if (recorded && recorded.length > 0) applied.push(m.version);
  }
  const functions = readFunctions();
  if (done.get(FUNCTIONS_VERSION) !== functions.checksum) await applyFunctions(sql, functions);
  return { applied, pending: pending.length };
}

/** The database functions, concatenated in name order, as one migration-like unit. */
export function readFunctions(dir: string = FUNCTIONS_DIR): Migration {
  const sql = readdirSync(dir)
    .filter((f) => /^\d{2}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => readFileSync(dir + file, "utf8"))
    .join("\n");
  if (sql.includes(BODY_TAG)) throw new XbotError("internal", `database functions must not contain ${BODY_TAG}`);
  return { version: FUNCTIONS_VERSION, sql, checksum: createHash("sha256").update(sql).digest("hex").slice(0, 16) };
}

/** (Re)creates every function unless the recorded checksum already matches, under the migration lock. */
async function applyFunctions(sql: Sql, functions: Migration): Promise<void> {
  await sql.transaction([
    { text: `SELECT pg_advisory_xact_lock(${LOCK_ID})` },
    { text: "CREATE TABLE IF NOT EXISTS xbot_migrations (version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())" },
    {
      text: `DO $xbot_migrate$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM xbot_migrations WHERE version = '${FUNCTIONS_VERSION}' AND checksum = '${functions.checksum}') THEN
    EXECUTE ${BODY_TAG}${functions.sql}${BODY_TAG};
    INSERT INTO xbot_migrations (version, checksum) VALUES ('${FUNCTIONS_VERSION}', '${functions.checksum}')
      ON CONFLICT (version) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now();
  END IF;
END $xbot_migrate$`,
    },
  ]);
}

/** Versions already applied; none when the bookkeeping table does not exist yet. */
export async function appliedVersions(sql: Sql): Promise<Set<string>> {
  return new Set((await appliedChecksums(sql)).keys());
}

/** The checksum recorded for each applied version (and for the functions); empty when the bookkeeping table does not exist yet. */
async function appliedChecksums(sql: Sql): Promise<Map<string, string>> {
  try {
    const rows = await sql.query<{ version: string; checksum: string }>("SELECT version, checksum FROM xbot_migrations");
    return new Map(rows.map((r) => [r.version, r.checksum]));
  } catch (error) {
    if (error instanceof XbotError && error.details?.sqlState === "42P01") return new Map();
    throw error;
  }
}

function applyOnce(m: Migration): string {
  const version = m.version.replace(/'/g, "''");
  return `DO $xbot_migrate$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM xbot_migrations WHERE version = '${version}') THEN
    EXECUTE ${BODY_TAG}${m.sql}${BODY_TAG};
    INSERT INTO xbot_migrations (version, checksum) VALUES ('${version}', '${m.checksum}');
  END IF;
END $xbot_migrate$`;
}

const migrated = new Map<string, Promise<unknown>>();

/**
 * Migrates once per process and database (a cold start pays one round trip when the
 * schema is current). A failure is not cached, so the next invocation tries again.
 */
export function ensureMigrated(sql: Sql, databaseKey: string): Promise<unknown> {
  return sharedUntilRejected(migrated, databaseKey, () => migrate(sql));
}
