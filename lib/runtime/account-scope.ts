/**
 * The account one run is for (Invocation.account): its `accounts` row's settings laid over the
 * env Config (lib/content/account-settings.ts), XBOT_ACCOUNT_ID = its id, its egress decrypted.
 * Without `account`, or for the env's own account id when it has no row, the deps are returned
 * unchanged: the single env account runs exactly as it always has.
 */
import { EGRESS_FORMAT, unseal } from "../browser/sealed.js";
import { overlayAccount, parseEgress, type Egress } from "../content/account-settings.js";
import { getAccount, type AccountRow } from "../db/accounts.js";
import { XbotError } from "../errors.js";
import type { Config } from "../config.js";
import type { RuntimeDeps } from "./runner.js";
import { xBaseUrlOf } from "../jobs/mode.js";

/** The deps of a run for one account, and whether that account is paused. */
export interface AccountScope {
  readonly deps: RuntimeDeps;
  readonly paused: boolean;
}

/** Scopes `deps` to `account`; `not_found` for an account with no row (other than the env's). */
export async function scopeToAccount(deps: RuntimeDeps, account: string | undefined): Promise<AccountScope> {
  if (account === undefined) return { deps, paused: false };
  const row = await getAccount(deps.clients.sql, account);
  if (!row) {
    if (account === deps.config.XBOT_ACCOUNT_ID) return { deps, paused: false };
    throw new XbotError("not_found", `unknown account "${account}" (xbot account list)`);
  }
  const egress = egressOf(deps.config, row);
  const config = overlayAccount(deps.config, { ...row, egress }, new Date(deps.clock?.now() ?? Date.now()));
  // The account's own browser (its session in x_sessions, its egress) when the runtime builds openers from a config.
  const opener = deps.browserFactory ? { openBrowser: deps.browserFactory(config, deps.clients.sql) } : {};
  return { deps: { ...deps, config, ...opener, xBaseUrl: xBaseUrlOf(config), log: deps.log.child({ account: row.id }, egressSecrets(egress)) }, paused: row.status === "paused" };
}

/** The values of an egress no log line may show: the URLs and a proxy's password. */
function egressSecrets(egress: Egress | null): string[] {
  if (!egress) return [];
  const out = [egress.proxyUrl, egress.browserWsEndpoint].filter((v): v is string => typeof v === "string");
  if (egress.proxyUrl) {
    const password = decodeURIComponent(new URL(egress.proxyUrl).password);
    if (password) out.push(password);
  }
  return out;
}

/** The account's decrypted egress, or null when it uses the env's. */
export function egressOf(config: Config, row: Pick<AccountRow, "id" | "egressEnc">): Egress | null {
  if (!row.egressEnc) return null;
  if (!config.XBOT_SESSION_KEY) throw new XbotError("config_invalid", `account "${row.id}" has an egress stored encrypted, but XBOT_SESSION_KEY is not set to decrypt it`);
  return parseEgress(JSON.parse(unseal(row.egressEnc, config.XBOT_SESSION_KEY, EGRESS_FORMAT)));
}
