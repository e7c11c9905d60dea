/**
 * The database facts the incident rules judge (lib/runtime/incident-rules.ts), in one round
 * trip: stuck claims, open attempts past their lease, partial threads, items failed for good,
 * recent ghosts, and how long due items have waited with nothing posted.
 */
import { oneRow, type Sql } from "./sql.js";

/** One item an incident names. */
export interface FactItem {
  readonly id: string;
  readonly reason: string | null;
}

/** What the database says now. */
export interface IncidentFacts {
  /** Items `posting` with no open or succeeded attempt, claimed before the lease cut-off. */
  readonly stuckClaims: readonly FactItem[];
  readonly attemptsPastLease: number;
  readonly partialThreads: readonly FactItem[];
  /** Items that failed for good within the last day. */
  readonly failedItems: readonly FactItem[];
  /** Ghost posts (on X, unknown to the database) found within the last day. */
  readonly recentGhosts: number;
  readonly queued: number;
  /** The due time of the oldest queued item that is due, or null. */
  readonly oldestDueAt: Date | null;
  readonly lastPostAt: Date | null;
}

/** Reads the facts as of `now`; `leaseCutoff` is now minus the attempt lease. */
export async function incidentFacts(sql: Sql, accountId: string, now: Date, leaseCutoff: Date): Promise<IncidentFacts> {
  const rows = await sql.query<IncidentFacts>(
    `SELECT
       coalesce((SELECT jsonb_agg(jsonb_build_object('id', i.id::text, 'reason', i.reason)) FROM (SELECT id, reason FROM content_items i
         WHERE i.account_id = $1 AND i.status = 'posting' AND i.claimed_at <= $3
           AND NOT EXISTS (SELECT 1 FROM post_attempts a WHERE a.item_id = i.id AND a.status IN ('open', 'succeeded')) ORDER BY id LIMIT 20) i), '[]') AS "stuckClaims",
       (SELECT count(*)::int FROM post_attempts WHERE account_id = $1 AND status = 'open' AND lease_until <= $2) AS "attemptsPastLease",
       coalesce((SELECT jsonb_agg(jsonb_build_object('id', id::text, 'reason', reason)) FROM (SELECT id, reason FROM content_items
         WHERE account_id = $1 AND status = 'partial' ORDER BY id LIMIT 20) p), '[]') AS "partialThreads",
       coalesce((SELECT jsonb_agg(jsonb_build_object('id', id::text, 'reason', reason)) FROM (SELECT id, reason FROM content_items
         WHERE account_id = $1 AND status = 'failed' AND updated_at > $2::timestamptz - interval '1 day' ORDER BY id LIMIT 20) f), '[]') AS "failedItems",
       (SELECT count(*)::int FROM posts WHERE account_id = $1 AND origin = 'ghost' AND posted_at > $2::timestamptz - interval '1 day') AS "recentGhosts",
       (SELECT count(*)::int FROM content_items WHERE account_id = $1 AND status = 'queued' AND kind <> 'reply') AS queued,
       (SELECT min(due_at) FROM content_items WHERE account_id = $1 AND status = 'queued' AND kind <> 'reply' AND due_at <= $2) AS "oldestDueAt",
       (SELECT max(posted_at) FROM posts WHERE account_id = $1 AND origin <> 'ghost') AS "lastPostAt"`,
    [accountId, now.toISOString(), leaseCutoff.toISOString()],
  );
  const r = oneRow(rows, "reading the incident facts");
  return { ...r, oldestDueAt: r.oldestDueAt ? new Date(r.oldestDueAt) : null, lastPostAt: r.lastPostAt ? new Date(r.lastPostAt) : null };
}

/**
 * The last run of each job that was not skipped: what a job last tried, and how it ended.
 * Among runs that started at the same instant (a simulated clock), `latestId` wins. A skip
 * scan of job_runs_decided (migration 015): one index probe per job name and one per job's
 * latest run, so the cost is per job, not per run (the runner asks after every run).
 */
export async function lastDecidedRuns(sql: Sql, accountId: string, latestId: string | null = null): Promise<Record<string, import("./runs.js").JobRun>> {
  const rows = await sql.query<import("./runs.js").JobRun>(
    `WITH RECURSIVE jobs(job) AS (
       (SELECT job FROM job_runs WHERE account_id = $1 AND status <> 'skipped' ORDER BY job LIMIT 1)
       UNION ALL
       SELECT (SELECT r.job FROM job_runs r WHERE r.account_id = $1 AND r.status <> 'skipped' AND r.job > jobs.job ORDER BY r.job LIMIT 1)
       FROM jobs WHERE jobs.job IS NOT NULL)
     SELECT last.* FROM jobs
     CROSS JOIN LATERAL (
       SELECT id, account_id AS "accountId", job, trigger, mode, status, reason, error_code AS "errorCode", summary,
         artifact_id AS "artifactId", started_at AS "startedAt", ended_at AS "endedAt"
       FROM job_runs r WHERE r.account_id = $1 AND r.status <> 'skipped' AND r.job = jobs.job
       ORDER BY r.started_at DESC, (r.id = $2) DESC LIMIT 1) last
     WHERE jobs.job IS NOT NULL`,
    [accountId, latestId],
  );
  return Object.fromEntries(rows.map((r) => [r.job, r]));
}

/** How many items are `posting` with no open or succeeded attempt since before `leaseCutoff` (health's "stuck"). */
export async function stuckClaimCount(sql: Sql, accountId: string, leaseCutoff: Date): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM content_items i WHERE i.account_id = $1 AND i.status = 'posting' AND i.claimed_at <= $2
       AND NOT EXISTS (SELECT 1 FROM post_attempts a WHERE a.item_id = i.id AND a.status IN ('open', 'succeeded'))`,
    [accountId, leaseCutoff.toISOString()],
  );
  return rows[0]?.n ?? 0;
}
