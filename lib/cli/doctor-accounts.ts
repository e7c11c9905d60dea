/**
 * Doctor's accounts check (only when the accounts table has rows; a one-account deployment
 * sees no new line): how many accounts, and a warning for every egress two of them share
 * (X links accounts by IP and device).
 */
import type { Config } from "../config.js";
import { listAccounts } from "../db/accounts.js";
import type { Sql } from "../db/sql.js";
import { toXbotError } from "../errors.js";
import { sharedEgress } from "../runtime/egress-sharing.js";
import type { Check } from "./doctor.js";

/** The accounts check, or null when there are no accounts rows (or the database is not ready). */
export async function accountsCheck(config: Config, sql: Sql, dbReady: boolean): Promise<Check | null> {
  if (!dbReady) return null;
  let rows: Awaited<ReturnType<typeof listAccounts>>;
  try {
    rows = await listAccounts(sql);
  } catch (error) {
    return { name: "accounts", status: "fail", detail: `cannot read the accounts table: ${toXbotError(error).message}`, fix: "xbot migrate" };
  }
  if (rows.length === 0) return null;
  const active = rows.filter((r) => r.status === "active").length;
  const detail = `${rows.length} account(s), ${active} active: ${rows.map((r) => `${r.id} (@${r.handle}${r.status === "paused" ? ", paused" : ""})`).join(", ")}`;
  const shares = sharedEgress(config, rows);
  if (shares.length === 0) return { name: "accounts", status: "ok", detail: `${detail}; each on its own egress` };
  return {
    name: "accounts",
    status: "warn",
    detail: `${detail}; shared egress: ${shares.map((s) => `${s.accounts.join(" + ")} on ${s.egress}`).join("; ")} (X links accounts by IP and device)`,
    fix: "give each account its own proxy or remote browser: xbot account edit <id> --proxy URL (or --browser-endpoint URL)",
  };
}
