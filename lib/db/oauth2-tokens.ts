/**
 * The sealed OAuth 2.0 tokens of an account (x_oauth2_tokens); writes are compare-and-swap on
 * `version`. {@link tokenVault} hands them to lib/x/transport/oauth2.ts as its TokenVault port.
 */
import type { TokenVault } from "../x/transport/oauth2.js";
import type { Sql } from "./sql.js";

/** A stored row: the sealed blob and its version. */
export interface TokenRow {
  readonly blob: string;
  readonly version: number;
}

/** The OAuth 2.0 transport's vault on `x_oauth2_tokens` (it holds only `sql`). */
export function tokenVault(sql: Sql): TokenVault {
  return {
    read: (accountId) => readTokenRow(sql, accountId),
    swap: (accountId, version, blob) => swapTokenRow(sql, accountId, version, blob),
    put: (accountId, blob) => putTokenRow(sql, accountId, blob),
  };
}

/** The account's row, or null. */
export async function readTokenRow(sql: Sql, accountId: string): Promise<TokenRow | null> {
  const rows = await sql.query<{ blob: string; version: number }>("SELECT blob, version FROM x_oauth2_tokens WHERE account_id = $1", [accountId]);
  return rows[0] ? { blob: rows[0].blob, version: Number(rows[0].version) } : null;
}

/** Stores the first tokens of an account (an existing row is replaced: an operator import). */
export async function putTokenRow(sql: Sql, accountId: string, blob: string): Promise<void> {
  await sql.query(
    "INSERT INTO x_oauth2_tokens (account_id, blob) VALUES ($1, $2) ON CONFLICT (account_id) DO UPDATE SET blob = EXCLUDED.blob, version = x_oauth2_tokens.version + 1, updated_at = now()",
    [accountId, blob],
  );
}

/** Replaces the row only if it is still at `version`; false when another run rotated it first. */
export async function swapTokenRow(sql: Sql, accountId: string, version: number, blob: string): Promise<boolean> {
  const rows = await sql.query("UPDATE x_oauth2_tokens SET blob = $3, version = version + 1, updated_at = now() WHERE account_id = $1 AND version = $2 RETURNING 1", [accountId, version, blob]);
  return rows.length === 1;
}
