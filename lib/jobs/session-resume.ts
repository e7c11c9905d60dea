/**
 * What a freshly imported, validated session does to the `x` breaker. When the breaker was
 * opened by a dead session (login wall, expired or missing session), the new session fixes
 * the cause, so the breaker is closed and posting resumes at once instead of after a
 * cool-down that may have escalated to 12 h. When X itself pushed back (226, 429, a
 * challenge), the cool-down is what keeps the account safe, so the breaker is left alone.
 *
 * It weighs the runs table against the breaker, so it sits here with the jobs rather than in
 * lib/x, which reaches neither (`xbot session import` calls it after the import).
 */
import { latestFailureCode } from "../db/runs.js";
import type { Sql } from "../db/sql.js";
import type { ErrorCode } from "../errors.js";
import { breakerPhase, type BreakerPhase } from "../state/breaker.js";
import type { StateStore } from "../state/store.js";

/** Codes a new session cures. */
const SESSION_CODES: readonly ErrorCode[] = ["session_expired", "session_missing", "x_login_wall"];
/** Codes that mean X pushed back; they keep the breaker's cool-down. */
const PUSHBACK_CODES: readonly ErrorCode[] = ["x_automated", "x_rate_limited", "x_challenge"];

/** The decision taken for the `x` breaker after an import. */
export type ResumeDecision =
  | { readonly resumed: true; readonly cause: string }
  | { readonly resumed: false; readonly phase: BreakerPhase; readonly cause: string | null; readonly retryAtMs: number | null };

/**
 * Closes the `x` breaker when the latest X failure of `accountId` was a session problem;
 * otherwise reports why it stays as it is. `breaker`: the account's own (`x@<id>`, lib/state/keys.ts). Call only after the new session was validated.
 */
export async function resumeAfterImport(sql: Sql, state: StateStore, accountId: string, nowMs: number, breaker = "x"): Promise<ResumeDecision> {
  const record = await state.readBreaker(breaker);
  const phase = breakerPhase(record, nowMs);
  const retryAtMs = record.state === "open" ? record.retryAtMs : null;
  if (phase === "closed") return { resumed: false, phase, cause: null, retryAtMs };
  const cause = await latestFailureCode(sql, accountId, [...SESSION_CODES, ...PUSHBACK_CODES]);
  if (record.state === "isolated" || cause === null || !SESSION_CODES.includes(cause as ErrorCode)) return { resumed: false, phase, cause, retryAtMs };
  await state.resetBreaker(breaker);
  return { resumed: true, cause };
}
