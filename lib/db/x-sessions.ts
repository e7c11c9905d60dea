/**
 * The `x_sessions` table: one encrypted Playwright storage state per account, with the
 * username it was validated as. lib/x/session-store.ts encrypts and decrypts through the
 * {@link SessionVault} port that {@link sessionVault} implements here; this module only reads
 * and writes the rows.
 */
import type { SealedSession, SessionVault } from "../x/session-store.js";
import type { Sql } from "./sql.js";

/** One stored session row (the blob is encrypted). */
interface SessionRow {
  readonly blob: string;
  readonly username: string | null;
  readonly validated_at: Date | string | null;
}

/** The x session store's vault on `x_sessions` (build it per call site: it holds only `sql`). */
export function sessionVault(sql: Sql): SessionVault {
  return {
    read: (accountId) => readSession(sql, accountId),
    write: (accountId, session) => writeSession(sql, accountId, session),
    replaceBlob: (accountId, expected, next) => replaceSessionBlob(sql, accountId, expected, next),
  };
}

/** The username of the stored session of `accountId`, or null when none is stored. */
export async function sessionUsername(sql: Sql, accountId: string): Promise<string | null> {
  const rows = await sql.query<{ username: string | null }>("SELECT username FROM x_sessions WHERE account_id = $1", [accountId]);
  return rows[0]?.username ?? null;
}

async function readSession(sql: Sql, accountId: string): Promise<SealedSession | null> {
  const rows = await sql.query<SessionRow>("SELECT blob, username, validated_at FROM x_sessions WHERE account_id = $1", [accountId]);
  const row = rows[0];
  if (!row) return null;
  // A driver may hand timestamptz back as a Date or as its text: the port promises a Date.
  const at = row.validated_at;
  return { blob: row.blob, username: row.username, validatedAt: at === null ? null : at instanceof Date ? at : new Date(at) };
}

async function writeSession(sql: Sql, accountId: string, session: { blob: string; username: string; validatedAt: Date }): Promise<void> {
  await sql.query(
    `INSERT INTO x_sessions (account_id, blob, username, validated_at, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (account_id) DO UPDATE SET blob = EXCLUDED.blob, username = EXCLUDED.username,
       validated_at = EXCLUDED.validated_at, updated_at = now()`,
    [accountId, session.blob, session.username, session.validatedAt.toISOString()],
  );
}

async function replaceSessionBlob(sql: Sql, accountId: string, expected: string, next: string): Promise<boolean> {
  const updated = await sql.query("UPDATE x_sessions SET blob = $3, updated_at = now() WHERE account_id = $1 AND blob = $2 RETURNING account_id", [accountId, expected, next]);
  return updated.length === 1;
}
