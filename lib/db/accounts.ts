/**
 * The `accounts` table: the X accounts one deployment runs, as data. With no row, the
 * deployment runs the single env account (XBOT_ACCOUNT_ID) exactly as before. Settings are
 * validated before they get here (lib/content/account-settings.ts); the egress is stored
 * encrypted (`egressEnc`), this module never sees it in clear.
 */
import { XbotError } from "../errors.js";
import type { Sql } from "./sql.js";

/** An account's status: a paused account's runs are skipped. */
export type AccountStatus = "active" | "paused";

/** One account row. */
export interface AccountRow {
  readonly id: string;
  readonly handle: string;
  readonly status: AccountStatus;
  /** Validated overrides of the env configuration (JSON object). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The encrypted egress (proxy URL / remote browser endpoint), or null for the env's. */
  readonly egressEnc: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The fields a new account is inserted with. */
export interface NewAccount {
  readonly id: string;
  readonly handle: string;
  readonly status?: AccountStatus;
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly egressEnc?: string | null;
}

/** An account id: 1-32 of a-z, 0-9, _ and -, starting with a letter or digit (the table's check). */
export const ACCOUNT_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;

const COLUMNS = `id, handle, status, settings, egress_enc AS "egressEnc", created_at AS "createdAt", updated_at AS "updatedAt"`;

function toRow(row: AccountRow): AccountRow {
  return { ...row, settings: row.settings ?? {}, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) };
}

/** Every account (or only those of `status`), ordered by id. */
export async function listAccounts(sql: Sql, options: { status?: AccountStatus } = {}): Promise<AccountRow[]> {
  const rows = await sql.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE ($1::text IS NULL OR status = $1) ORDER BY id`, [options.status ?? null]);
  return rows.map(toRow);
}

/** The account `id`, or undefined when there is none. */
export async function getAccount(sql: Sql, id: string): Promise<AccountRow | undefined> {
  const rows = await sql.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [id]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** Inserts an account; `conflict` when the id or the handle is taken. */
export async function insertAccount(sql: Sql, account: NewAccount): Promise<AccountRow> {
  const rows = await sql.query<AccountRow>(
    `INSERT INTO accounts (id, handle, status, settings, egress_enc) VALUES ($1, $2, $3, $4::jsonb, $5)
     ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    [account.id, account.handle, account.status ?? "active", JSON.stringify(account.settings ?? {}), account.egressEnc ?? null],
  );
  if (!rows[0]) throw new XbotError("conflict", `an account with id "${account.id}" or handle "${account.handle}" exists already`);
  return toRow(rows[0]);
}

/** The fields an update may change (absent: unchanged; egressEnc null: back to the env's). */
export interface AccountPatch {
  readonly handle?: string;
  readonly status?: AccountStatus;
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly egressEnc?: string | null;
}

/** Updates the account `id` in one statement; undefined when there is none, `conflict` when the new handle is taken (the unique index decides). */
export async function updateAccount(sql: Sql, id: string, patch: AccountPatch): Promise<AccountRow | undefined> {
  try {
    const rows = await sql.query<AccountRow>(
      `UPDATE accounts SET handle = COALESCE($2, handle), status = COALESCE($3, status), settings = COALESCE($4::jsonb, settings),
         egress_enc = CASE WHEN $5::boolean THEN $6 ELSE egress_enc END, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, patch.handle ?? null, patch.status ?? null, patch.settings ? JSON.stringify(patch.settings) : null, patch.egressEnc !== undefined, patch.egressEnc ?? null],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  } catch (error) {
    if (error instanceof XbotError && error.code === "conflict") throw new XbotError("conflict", `handle "${patch.handle}" belongs to another account`, { cause: error });
    throw error;
  }
}

/** Deletes the account `id` (its posts, runs and other rows stay, under its account_id); true when it existed. */
export async function deleteAccount(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql.query<{ id: string }>("DELETE FROM accounts WHERE id = $1 RETURNING id", [id]);
  return rows.length === 1;
}
