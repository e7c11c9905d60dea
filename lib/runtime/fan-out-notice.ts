/**
 * Tells the operator when the in-function fan-out regularly leaves accounts unreached: an
 * account skipped for the time budget (fan-out-turns.ts) on {@link REGULAR_SKIPS} or more
 * ticks in the last day means one function cannot serve every account, and each account
 * needs its own invocation: QStash. Shown by /api/status (`fanOut`) and `xbot doctor`.
 */
import type { Config } from "../config.js";
import { timeBudgetSkips } from "../db/runs.js";
import type { Sql } from "../db/sql.js";
import { qstashConfigured } from "./fan-out-publish.js";

/** What to do when accounts go unreached: the notice's, the incident's and the fan-out log's fix. */
export const QSTASH_FIX = "configure QStash (QSTASH_TOKEN, QSTASH_CURRENT_SIGNING_KEY, QSTASH_NEXT_SIGNING_KEY): each account's run then gets its own invocation (docs/scale.md)";

/** Ticks in a day an account may miss before the notice shows (one slow tick is not "regularly"). */
export const REGULAR_SKIPS = 3;

/** The notice, or null when every account was reached (or QStash is configured). */
export interface FanOutNotice {
  /** Skipped ticks in the last 24 h, per account that reached {@link REGULAR_SKIPS}. */
  readonly unreached: Readonly<Record<string, number>>;
  readonly message: string;
  readonly fix: string;
}

/** Reads the last day's `time budget` skips; null when none is regular. */
export async function fanOutNotice(sql: Sql, config: Config, now: Date): Promise<FanOutNotice | null> {
  const skips = await timeBudgetSkips(sql, new Date(now.getTime() - 86_400_000));
  const unreached = Object.fromEntries(Object.entries(skips).filter(([, n]) => n >= REGULAR_SKIPS));
  const ids = Object.keys(unreached);
  if (ids.length === 0) return null;
  const message = `${ids.length} account${ids.length > 1 ? "s were" : " was"} regularly not reached by the fan-out within a function's time budget in the last 24 h (${ids.map((id) => `${id}: ${unreached[id]} ticks`).join(", ")})`;
  const fix = qstashConfigured(config) ? "QStash is configured now: the next ticks publish one message per account" : QSTASH_FIX;
  return { unreached, message, fix };
}
