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
    params: [run.id, run.accountId, run.job, run.trigger, run.mode, run.status, run.reason, run.errorCode, JSON.stringify(run.summary),
      run.artifactId, run.startedAt.toISOString(), run.endedAt.toISOString()],
  };
}

/** Records a run. Idempotent on the run id. */
export async function insertRun(sql: Sql, run: JobRun): Promise<void> {
  const s = insertRunStatement(run);
  await sql.query(s.text, s.params);
}

/** Recent runs, newest first, optionally of one job. */
export async function recentRuns(sql: Sql, options: { job?: string; limit?: number } = {}): Promise<JobRun[]> {
  return sql.query<JobRun>(`SELECT ${COLUMNS} FROM job_runs WHERE ($1::text IS NULL OR job = $1) ORDER BY started_at DESC LIMIT $2`, [options.job ?? null, options.limit ?? 50]);
}

/** The latest run of each job. */
export async function lastRunPerJob(sql: Sql): Promise<Record<string, JobRun>> {
  const rows = await sql.query<JobRun>(`SELECT DISTINCT ON (job) ${COLUMNS} FROM job_runs ORDER BY job, started_at DESC`);
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
