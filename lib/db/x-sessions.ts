/**
 * The `x_sessions` table: one encrypted Playwright storage state per account, with the
 * username it was validated as. lib/x/session-store.ts encrypts and decrypts; this module
 * only reads and writes the rows.
 */
import type { Sql } from "./sql.js";

/** One stored session row (the blob is encrypted). */
export interface SessionRow {
  readonly blob: string;
  readonly username: string | null;
  readonly validated_at: Date | string | null;
}

/** The session row of `accountId`, or undefined when none is stored. */
export async function readSessionRow(sql: Sql, accountId: string): Promise<SessionRow | undefined> {
  const rows = await sql.query<SessionRow>("SELECT blob, username, validated_at FROM x_sessions WHERE account_id = $1", [accountId]);
  return rows[0];
}

/** The username of the stored session of `accountId`, or null when none is stored. */
export async function sessionUsername(sql: Sql, accountId: string): Promise<string | null> {
  const rows = await sql.query<{ username: string | null }>("SELECT username FROM x_sessions WHERE account_id = $1", [accountId]);
  return rows[0]?.username ?? null;
}

/** Writes (inserts or replaces) the session of `accountId`. */
export async function writeSessionRow(sql: Sql, row: { accountId: string; blob: string; username: string; validatedAt: Date }): Promise<void> {
  await sql.query(
    `INSERT INTO x_sessions (account_id, blob, username, validated_at, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (account_id) DO UPDATE SET blob = EXCLUDED.blob, username = EXCLUDED.username,
       validated_at = EXCLUDED.validated_at, updated_at = now()`,
    [row.accountId, row.blob, row.username, row.validatedAt.toISOString()],
  );
}

/** Replaces the blob of `accountId` only if it is still `expected` (compare and set); true when it was replaced. */
export async function replaceSessionBlob(sql: Sql, accountId: string, expected: string, next: string): Promise<boolean> {
  const updated = await sql.query("UPDATE x_sessions SET blob = $3, updated_at = now() WHERE account_id = $1 AND blob = $2 RETURNING account_id", [accountId, expected, next]);
  return updated.length === 1;
}
