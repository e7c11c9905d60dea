/**
 * Managing accounts, for the CLI (`xbot account ...`) and the admin API (/api/accounts): one
 * validation of every field (zod; each error names the field), the egress sealed under
 * XBOT_SESSION_KEY before it is stored, and a view that never shows the egress in clear.
 */
import { z } from "zod";
import { EGRESS_FORMAT, seal } from "../browser/sealed.js";
import type { Config } from "../config.js";
import { accountSettingsSchema, egressSchema, parseAccountSettings, type Egress } from "../content/account-settings.js";
import { zodProblems } from "../content/json-file.js";
import { ACCOUNT_ID, deleteAccount, getAccount, insertAccount, listAccounts, updateAccount, type AccountRow, type AccountStatus } from "../db/accounts.js";
import type { Sql } from "../db/sql.js";
import { XbotError } from "../errors.js";
import { egressOf } from "./account-scope.js";

const handle = z.string().regex(/^[A-Za-z0-9_]{1,15}$/, "must be an X handle without @ (1-15 of A-Z, a-z, 0-9, _)");

/** The body of an add: id, handle, settings, egress. */
export const newAccountSchema = z.strictObject({
  id: z.string().regex(ACCOUNT_ID, "must be 1-32 of a-z, 0-9, _ and -, starting with a letter or digit"),
  handle,
  status: z.enum(["active", "paused"], { error: 'must be "active" or "paused"' }).optional(),
  settings: accountSettingsSchema.optional(),
  egress: egressSchema.nullable().optional(),
});

/** The body of an edit: settings are merged over the stored ones (a null value removes a setting); egress null: the env's. */
export const accountPatchSchema = z.strictObject({
  handle: handle.optional(),
  status: z.enum(["active", "paused"], { error: 'must be "active" or "paused"' }).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  egress: egressSchema.nullable().optional(),
});

/** One validation problem per bad field, as `field: problem`. */
function check<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = zodProblems(result.error, "(body)");
  throw new XbotError("validation", `invalid account:\n  ${problems.join("\n  ")}`, { details: { problems } });
}

function sealEgress(config: Config, egress: Egress | null | undefined): string | null | undefined {
  if (egress === undefined || egress === null) return egress;
  if (!egress.proxyUrl && !egress.browserWsEndpoint) return null;
  if (!config.XBOT_SESSION_KEY) throw new XbotError("validation", "egress: XBOT_SESSION_KEY must be set to store an egress (it is encrypted like the X session)");
  return seal(JSON.stringify(egress), config.XBOT_SESSION_KEY, EGRESS_FORMAT);
}

/** What is shown of an account: everything but the egress, of which only what kind is set. */
export interface AccountView {
  readonly id: string;
  readonly handle: string;
  readonly status: AccountStatus;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly egress: { readonly proxy: boolean; readonly browserEndpoint: boolean } | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The view of a row (the egress is decrypted only to say which kind is set). */
export function accountView(config: Config, row: AccountRow): AccountView {
  let egress: AccountView["egress"] = null;
  if (row.egressEnc) {
    try {
      const e = egressOf(config, row);
      egress = { proxy: Boolean(e?.proxyUrl), browserEndpoint: Boolean(e?.browserWsEndpoint) };
    } catch {
      egress = { proxy: false, browserEndpoint: false };
    }
  }
  return { id: row.id, handle: row.handle, status: row.status, settings: row.settings, egress, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** Adds an account from an unvalidated body; `validation` names every bad field, `conflict` a taken id or handle. */
export async function addAccount(sql: Sql, config: Config, body: unknown): Promise<AccountRow> {
  const input = check(newAccountSchema, body);
  const egressEnc = sealEgress(config, input.egress);
  return insertAccount(sql, { id: input.id, handle: input.handle, ...(input.status ? { status: input.status } : {}), settings: input.settings ?? {}, ...(egressEnc ? { egressEnc } : {}) });
}

/** Edits an account from an unvalidated patch; `not_found` when it does not exist. */
export async function editAccount(sql: Sql, config: Config, id: string, body: unknown): Promise<AccountRow> {
  const patch = check(accountPatchSchema, body);
  const current = await getAccount(sql, id);
  if (!current) throw new XbotError("not_found", `unknown account "${id}" (xbot account list)`);
  let settings: Record<string, unknown> | undefined;
  if (patch.settings) {
    settings = { ...current.settings };
    for (const [k, v] of Object.entries(patch.settings)) {
      if (v === null) delete settings[k];
      else settings[k] = v;
    }
    try {
      settings = parseAccountSettings(settings) as Record<string, unknown>;
    } catch (error) {
      throw new XbotError("validation", (error as Error).message, { cause: error });
    }
  }
  const egressEnc = sealEgress(config, patch.egress);
  const row = await updateAccount(sql, id, {
    ...(patch.handle ? { handle: patch.handle } : {}),
    ...(patch.status ? { status: patch.status } : {}),
    ...(settings ? { settings } : {}),
    ...(egressEnc !== undefined ? { egressEnc } : {}),
  });
  if (!row) throw new XbotError("not_found", `unknown account "${id}" (xbot account list)`);
  return row;
}

/** Removes an account (its rows stay under its id); `not_found` when it does not exist. */
export async function removeAccount(sql: Sql, id: string): Promise<void> {
  if (!(await deleteAccount(sql, id))) throw new XbotError("not_found", `unknown account "${id}" (xbot account list)`);
}

/** The account `id`; `not_found` when it does not exist. */
export async function requireAccount(sql: Sql, id: string): Promise<AccountRow> {
  const row = await getAccount(sql, id);
  if (!row) throw new XbotError("not_found", `unknown account "${id}" (xbot account list)`);
  return row;
}

export { listAccounts };
