/**
 * The safety part of /api/status, kept apart from the rest of the route: the review queue's
 * size and mode, the reply candidates that were skipped and why, and (see visits) how many
 * logged-in page loads each job made today against the daily cap.
 */
import { candidateCounts, skippedCandidates } from "../../db/reply-report.js";
import type { RuntimeDeps } from "../runner.js";

/** The `safety` field of /api/status. */
export async function safetyStatus(deps: RuntimeDeps, now: Date): Promise<Record<string, unknown>> {
  const sql = deps.clients.sql;
  const account = deps.config.XBOT_ACCOUNT_ID;
  const [skipped, counts] = await Promise.all([skippedCandidates(sql, account, now), candidateCounts(sql, account, now)]);
  return {
    review: { mode: deps.config.reviewMode, expiresAfterHours: deps.config.XBOT_REVIEW_HOURS },
    replyCandidates: { counts, skipped },
  };
}
