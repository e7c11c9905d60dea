/** What the dashboard shows about reply candidates: the recent skipped ones with their reasons, and counts by status. */
import type { Sql } from "./sql.js";

/** A skipped reply candidate. */
export interface SkippedCandidate {
  readonly tweetId: string;
  readonly author: string;
  readonly text: string;
  readonly reason: string | null;
  readonly createdAt: Date;
}

/** The newest skipped candidates (bounded by `limit`, within two days). */
export async function skippedCandidates(sql: Sql, accountId: string, now: Date, limit = 20): Promise<SkippedCandidate[]> {
  return sql.query<SkippedCandidate>(
    `SELECT tweet_id AS "tweetId", author, text, reason, created_at AS "createdAt" FROM reply_candidates
     WHERE account_id = $1 AND status = 'skipped' AND created_at > $2::timestamptz - interval '2 days'
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    [accountId, now.toISOString(), limit],
  );
}

/** Candidates of the last two days by status. */
export async function candidateCounts(sql: Sql, accountId: string, now: Date): Promise<Record<string, number>> {
  const rows = await sql.query<{ status: string; n: number }>(
    "SELECT status, count(*)::int AS n FROM reply_candidates WHERE account_id = $1 AND created_at > $2::timestamptz - interval '2 days' GROUP BY status",
    [accountId, now.toISOString()],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
