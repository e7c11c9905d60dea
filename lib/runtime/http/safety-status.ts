/**
 * The safety part of /api/status, kept apart from the rest of the route: the review queue's
 * size and mode, the reply candidates that were skipped and why, and (see visits) how many
 * logged-in page loads each job made today against the daily cap.
 */
import { accountScope } from "../../config.js";
import { candidateCounts, skippedCandidates } from "../../db/reply-report.js";
import type { RuntimeDeps } from "../runner.js";
import { visitCounts } from "../../jobs/visits.js";

/** The `safety` field of /api/status. */
export async function safetyStatus(deps: RuntimeDeps, now: Date): Promise<Record<string, unknown>> {
  const sql = deps.clients.sql;
  const account = deps.config.XBOT_ACCOUNT_ID;
  const jobs = deps.catalog.jobs.map((j) => j.name);
  const [skipped, counts, visits] = await Promise.all([
    skippedCandidates(sql, account, now),
    candidateCounts(sql, account, now),
    visitCounts(deps.clients.state, jobs, deps.config.XBOT_X_VISITS_PER_DAY, now.getTime(), accountScope(deps.config)).catch((error: unknown) => {
      deps.log.warn("status: the x visit counters could not be read", { error: String(error) });
      return null;
    }),
  ]);
  return {
    review: { mode: deps.config.reviewMode, expiresAfterHours: deps.config.XBOT_REVIEW_HOURS },
    replyCandidates: { counts, skipped },
    visits,
  };
}
