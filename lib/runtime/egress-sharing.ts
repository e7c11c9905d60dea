/**
 * Which accounts share an egress. X links accounts by IP and device, so two accounts behind
 * one proxy (same host, port and user: a residential proxy's user often picks its sticky IP),
 * one remote browser, or both on the deployment's own network (no egress set), are flagged.
 * Labels never carry a password or a token: host and port only.
 */
import type { Config } from "../config.js";
import type { AccountRow } from "../db/accounts.js";
import { egressOf } from "./account-scope.js";

/** A group of two or more accounts on one egress. */
export interface EgressShare {
  /** What they share, without secrets (e.g. `proxy proxy.example:8080`). */
  readonly egress: string;
  readonly accounts: readonly string[];
}

function identity(proxyUrl: string | undefined, wsEndpoint: string | undefined): { key: string; label: string } {
  if (wsEndpoint) {
    const u = new URL(wsEndpoint);
    return { key: `ws ${u.host}${u.pathname}`, label: `remote browser ${u.host}` };
  }
  if (proxyUrl) {
    const u = new URL(proxyUrl);
    return { key: `proxy ${u.host} ${decodeURIComponent(u.username)}`, label: `proxy ${u.host}${u.username ? " (same user)" : ""}` };
  }
  return { key: "none", label: "no egress set: the deployment's own network" };
}

/** The groups of accounts sharing an egress (an account without one uses the env's XBOT_PROXY_URL / BROWSER_WS_ENDPOINT). */
export function sharedEgress(config: Config, rows: readonly AccountRow[]): EgressShare[] {
  const groups = new Map<string, { label: string; accounts: string[] }>();
  for (const row of rows) {
    let egress: ReturnType<typeof egressOf> = null;
    try {
      egress = egressOf(config, row);
    } catch {
      continue; // unreadable egress: doctor reports the key problem on its own
    }
    const { key, label } = identity(egress?.proxyUrl ?? config.XBOT_PROXY_URL, egress?.browserWsEndpoint ?? config.BROWSER_WS_ENDPOINT);
    const group = groups.get(key) ?? { label, accounts: [] };
    group.accounts.push(row.id);
    groups.set(key, group);
  }
  return [...groups.values()].filter((g) => g.accounts.length > 1).map((g) => ({ egress: g.label, accounts: g.accounts }));
}

/** One warning line per shared egress. */
export function egressWarnings(shares: readonly EgressShare[]): string[] {
  return shares.map((s) => `accounts ${s.accounts.join(", ")} share one egress (${s.egress}): X links accounts by IP and device; give each its own (xbot account edit <id> --proxy URL)`);
}
