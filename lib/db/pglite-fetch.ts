/**
 * Neon's HTTP SQL protocol answered in-process by embedded PGlite (file-backed), so the
 * same neon() client runs with zero configuration. Values travel as raw text both ways,
 * exactly as Neon's endpoint sends them, so the driver's own type parsing applies.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { sharedUntilRejected } from "../promise-cache.js";

interface NeonQuery {
  query: string;
  params?: unknown[];
}
type Queryable = Pick<PGlite, "query"> | Transaction;
interface Codecs {
  parsers: Record<number, (v: string) => string>;
  serializers: Record<number, (v: unknown) => string>;
}

/**
 * Open embedded databases by directory. PGlite is a single in-process session per
 * directory: two instances on one directory would each miss the other's writes, so every
 * client of a directory in this process shares one instance.
 */
const openDatabases = new Map<string, Promise<{ db: PGlite; codecs: Codecs }>>();

/** Creates the fetch route for an embedded database under `dataDir` (opened lazily, shared per directory). */
export function pgliteFetch(dataDir: string): (url: string, init: RequestInit) => Promise<Response> {
  const dir = resolve(join(dataDir, "pgdata"));
  const open = () => sharedUntilRejected(openDatabases, dir, () => openPglite(dir));
  return async (_url, init) => {
    const { db, codecs } = await open();
    const body = JSON.parse(String(init.body)) as NeonQuery | { queries: NeonQuery[] };
    try {
      if ("queries" in body) {
        const results = await db.transaction(async (tx) => {
          const out = [];
          for (const q of body.queries) out.push(await runOne(tx, q, codecs));
          return out;
        });
        return Response.json({ results });
      }
      return Response.json(await runOne(db, body, codecs));
    } catch (error) {
      return Response.json(errorBody(error), { status: 400 });
    }
  };
}

/** Closes the embedded databases this process opened (clean shutdown of the local server). */
export async function closeEmbeddedDatabases(): Promise<void> {
  const all = [...openDatabases.values()];
  openDatabases.clear();
  await Promise.allSettled(all.map(async (opened) => (await opened).db.close()));
}

async function openPglite(dir: string): Promise<{ db: PGlite; codecs: Codecs }> {
  const { PGlite } = await import("@electric-sql/pglite");
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const { rows } = await db.query<{ oid: number }>("SELECT oid::int AS oid FROM pg_type");
  const identity = (v: unknown) => v as string;
  const codecs: Codecs = { parsers: {}, serializers: {} };
  for (const { oid } of rows) {
    codecs.parsers[oid] = identity;
    codecs.serializers[oid] = identity;
  }
  return { db, codecs };
}

async function runOne(db: Queryable, q: NeonQuery, codecs: Codecs) {
  const result = await db.query<unknown[]>(q.query, q.params ?? [], { rowMode: "array", ...codecs });
  return {
    command: q.query.trim().split(/\s+/, 1)[0]?.toUpperCase() ?? "",
    rowCount: result.affectedRows ?? result.rows.length,
    rowAsArray: true,
    fields: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
    rows: result.rows,
  };
}

function errorBody(error: unknown): Record<string, unknown> {
  const e = error as Record<string, unknown>;
  const pick = ["code", "severity", "detail", "hint", "position", "schema", "table", "column", "constraint", "where"];
  const out: Record<string, unknown> = { message: e.message ?? String(error) };
  for (const key of pick) if (e[key] !== undefined) out[key] = e[key];
  return out;
}
