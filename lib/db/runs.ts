/** job_runs: one row per invocation, whatever its outcome. */
import type { Sql } from "./sql.js";

/** How a run was triggered. */
export type RunTrigger = "cron" | "manual" | "queue" | "local";
/** How a run ended. */
export type RunStatus = "ok" | "skipped" | "failed";

/** One recorded run. */
export interface JobRun {
  readonly id: string;
  readonly accountId: string;
  readonly job: string;
  readonly trigger: RunTrigger;
  readonly mode: "live" | "dry" | "shadow";
  readonly status: RunStatus;
  readonly reason: string | null;
  readonly errorCode: string | null;
  readonly summary: Record<string, unknown>;
  readonly artifactId: string | null;
  readonly startedAt: Date;
  readonly endedAt: Date;
}

const COLUMNS = `id, account_id AS "accountId", job, trigger, mode, status, reason, error_code AS "errorCode", summary,
  artifact_id AS "artifactId", started_at AS "startedAt", ended_at AS "endedAt"`;

function insertRunStatement(run: JobRun): { text: string; params: unknown[] } {
  return {
    text: `INSERT INTO job_runs (id, account_id, job, trigger, mode, status, reason, error_code, summary, artifact_id, started_at, ended_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
    params: [
      run.id,
      run.accountId,
      run.job,
      run.trigger,
      run.mode,
      run.status,
      run.reason,
      run.errorCode,
      JSON.stringify(run.summary),
      run.artifactId,
      run.startedAt.toISOString(),
      run.endedAt.toISOString(),
    ],
  };
}

/** Records a run. Idempotent on the run id. */
export async function insertRun(sql: Sql, run: JobRun): Promise<void> {
  const s = insertRunStatement(run);
  await sql.query(s.text, s.params);
}

/** Recent runs, newest first, optionally of one job (job_runs_recent, or job_runs_started for all jobs), or of one account. */
export async function recentRuns(sql: Sql, options: { job?: string; limit?: number; accountId?: string } = {}): Promise<JobRun[]> {
  const limit = options.limit ?? 50;
  if (options.accountId !== undefined) {
    return sql.query<JobRun>(`SELECT ${COLUMNS} FROM job_runs WHERE account_id = $1 AND ($2::text IS NULL OR job = $2) ORDER BY started_at DESC LIMIT $3`, [
      options.accountId,
      options.job ?? null,
      limit,
    ]);
  }
  if (options.job === undefined) return sql.query<JobRun>(`SELECT ${COLUMNS} FROM job_runs ORDER BY started_at DESC LIMIT $1`, [limit]);
  return sql.query<JobRun>(`SELECT ${COLUMNS} FROM job_runs WHERE job = $1 ORDER BY started_at DESC LIMIT $2`, [options.job, limit]);
}

/**
 * The latest run of each job: a skip scan of job_runs_recent (each next job name is one index
 * probe, each job's latest run another), so the cost is per job, not per run.
 */
export async function lastRunPerJob(sql: Sql): Promise<Record<string, JobRun>> {
  const rows = await sql.query<JobRun>(
    `WITH RECURSIVE jobs(job) AS (
       (SELECT job FROM job_runs ORDER BY job LIMIT 1)
       UNION ALL
       SELECT (SELECT r.job FROM job_runs r WHERE r.job > jobs.job ORDER BY r.job LIMIT 1) FROM jobs WHERE jobs.job IS NOT NULL)
     SELECT last.* FROM jobs
     CROSS JOIN LATERAL (SELECT ${COLUMNS} FROM job_runs r WHERE r.job = jobs.job ORDER BY r.started_at DESC LIMIT 1) last
     WHERE jobs.job IS NOT NULL`,
  );
  return Object.fromEntries(rows.map((r) => [r.job, r]));
}

/** The error code of the account's latest failed run whose code is one of `codes`; null when none. */
export async function latestFailureCode(sql: Sql, accountId: string, codes: readonly string[]): Promise<string | null> {
  const rows = await sql.query<{ code: string }>(
    "SELECT error_code AS code FROM job_runs WHERE account_id = $1 AND status = 'failed' AND error_code = ANY($2::text[]) ORDER BY ended_at DESC LIMIT 1",
    [accountId, codes],
  );
  return rows[0]?.code ?? null;
}

/** The reason of a job_runs row for an account the in-function fan-out could not reach (lib/runtime/fan-out-turns.ts). */
export const TIME_BUDGET_REASON = "time budget";

/**
 * When each account was last served by `job`: its latest run that was not skipped (ok or failed),
 * null when it never was. One probe of job_runs_decided (account_id, job, started_at DESC, not
 * skipped) per account, so the cost grows with the accounts, not with the runs.
 */
export async function lastServed(sql: Sql, job: string, accountIds: readonly string[]): Promise<Map<string, Date | null>> {
  const rows = await sql.query<{ accountId: string; lastAt: Date | string | null }>(
    `SELECT a.id AS "accountId", last.started_at AS "lastAt" FROM unnest($2::text[]) AS a(id)
     LEFT JOIN LATERAL (SELECT r.started_at FROM job_runs r WHERE r.account_id = a.id AND r.job = $1 AND r.status <> 'skipped' ORDER BY r.started_at DESC LIMIT 1) last ON true`,
    [job, accountIds],
  );
  return new Map(rows.map((r) => [r.accountId, r.lastAt === null ? null : new Date(r.lastAt)]));
}

/** Runs of any job skipped for the fan-out's time budget since `since`, per account (the "QStash is needed" notice). */
export async function timeBudgetSkips(sql: Sql, since: Date): Promise<Record<string, number>> {
  const rows = await sql.query<{ accountId: string; n: number | string }>(
    // The reason is written into the text (a constant), so the planner can match job_runs_time_budget's predicate (migration 017).
    `SELECT account_id AS "accountId", count(*) AS n FROM job_runs WHERE started_at >= $1 AND status = 'skipped' AND reason = '${TIME_BUDGET_REASON}' GROUP BY account_id`,
    [since.toISOString()],
  );
  return Object.fromEntries(rows.map((r) => [r.accountId, Number(r.n)]));
}
