/**
 * Retention: old rows go in bounded batches, and the dashboard's daily aggregates survive them.
 *
 * - engagement_daily: every UTC day before the cutoff is rolled up ONCE, from the very query
 *   the chart uses (DAILY_AGGREGATE_SQL), at most ROLLUP_DAYS_PER_RUN days per call, before
 *   any of its rows may go. The chart reads a rolled-up day from the rollup.
 * - job_runs, metric_snapshots, follower_snapshots: older than XBOT_RETENTION_DAYS. Snapshots
 *   are deleted only below the rollup frontier (never a day the chart still reads raw).
 * - reply_candidates: never-answered ones ('new', 'skipped') older than XBOT_RETENTION_DAYS;
 *   queued and replied ones are kept, so a tweet is never answered twice.
 * - artifacts: older than XBOT_ARTIFACT_RETENTION_DAYS.
 * Every delete is `LIMIT batch` through an age index; one request carries one batch of every
 * table (sql.transaction), repeated at most `rounds` times.
 */
import { DAILY_AGGREGATE_SQL } from "./dashboard.js";
import type { Sql, SqlStatement } from "./sql.js";

const DAY_MS = 86_400_000;
/** Days rolled up per call at most. */
export const ROLLUP_DAYS_PER_RUN = 60;

/** What to keep. */
export interface RetentionPolicy {
  readonly days: number;
  readonly artifactDays: number;
  /** Rows per delete statement. */
  readonly batch: number;
  /** Requests (one batch of every table each) per call at most. */
  readonly rounds: number;
}

/** What a call removed and rolled up. */
export interface RetentionResult {
  readonly rolledUpDays: number;
  readonly deleted: Record<string, number>;
  /** True when a table still had a full batch to delete at the last round (the next heal goes on). */
  readonly more: boolean;
}

function utcDay(t: number): Date {
  const d = new Date(t);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/** The first day not rolled up yet (or the first day with data), as a UTC day start; null when there is no data. */
async function rollupFrontier(sql: Sql, accountId: string): Promise<{ from: Date | null; rolledThrough: Date | null }> {
  const [row] = await sql.query<{ last: string | null; first: Date | null }>(
    `SELECT (SELECT to_char(max(day), 'YYYY-MM-DD') FROM engagement_daily WHERE account_id = $1) AS last,
       LEAST((SELECT min(posted_at) FROM posts WHERE account_id = $1 AND position = 0),
             (SELECT min(taken_at) FROM follower_snapshots WHERE account_id = $1)) AS first`,
    [accountId],
  );
  const last = row?.last ? new Date(`${row.last}T00:00:00Z`) : null;
  if (last) return { from: new Date(last.getTime() + DAY_MS), rolledThrough: new Date(last.getTime() + DAY_MS) };
  return { from: row?.first ? utcDay(new Date(row.first).getTime()) : null, rolledThrough: null };
}

/** Rolls up the days in [frontier, cutoff) (at most ROLLUP_DAYS_PER_RUN); returns the new frontier (days before it are rolled up) and how many days were written. */
export async function rollUpDays(sql: Sql, accountId: string, cutoff: Date): Promise<{ frontier: Date | null; days: number }> {
  const { from, rolledThrough } = await rollupFrontier(sql, accountId);
  if (!from || from >= cutoff) return { frontier: rolledThrough, days: 0 };
  const to = new Date(Math.min(cutoff.getTime(), from.getTime() + ROLLUP_DAYS_PER_RUN * DAY_MS));
  const rows = await sql.query(
    `WITH span AS (SELECT generate_series($2::timestamptz AT TIME ZONE 'UTC', $3::timestamptz AT TIME ZONE 'UTC' - interval '1 day', interval '1 day') AS day),
     ${DAILY_AGGREGATE_SQL}
     INSERT INTO engagement_daily (account_id, day, posts, likes, replies, reposts, views, followers)
     SELECT $1, s.day::date, coalesce(d.posts, 0), coalesce(d.likes, 0), coalesce(d.replies, 0), coalesce(d.reposts, 0), coalesce(d.views, 0), f.followers
     FROM span s LEFT JOIN daily d ON d.day = s.day LEFT JOIN fol f ON f.day = s.day
     ON CONFLICT (account_id, day) DO NOTHING RETURNING 1`,
    [accountId, from.toISOString(), to.toISOString()],
  );
  return { frontier: to, days: rows.length };
}

function deletes(accountId: string, cutoff: Date, snapshotCutoff: Date | null, artifactCutoff: Date, batch: number): [string, SqlStatement][] {
  // The oldest `batch` rows by the age index, then each by its primary key.
  const by = (table: string, age: string, where: string, params: unknown[]): [string, SqlStatement] => [
    table,
    { text: `DELETE FROM ${table} WHERE id = ANY(ARRAY(SELECT id FROM ${table} WHERE ${age} < $1${where} ORDER BY ${age} LIMIT ${batch})) RETURNING 1`, params },
  ];
  const out: [string, SqlStatement][] = [
    by("job_runs", "started_at", "", [cutoff.toISOString()]),
    by("reply_candidates", "created_at", " AND account_id = $2 AND status IN ('new', 'skipped')", [cutoff.toISOString(), accountId]),
    by("artifacts", "created_at", "", [artifactCutoff.toISOString()]),
  ];
  if (snapshotCutoff) {
    out.push(by("metric_snapshots", "taken_at", " AND account_id = $2", [snapshotCutoff.toISOString(), accountId]));
    out.push(by("follower_snapshots", "taken_at", " AND account_id = $2", [snapshotCutoff.toISOString(), accountId]));
  }
  return out;
}

/** Rolls up, then deletes what is past retention at `now`, in bounded batches. */
export async function applyRetention(sql: Sql, accountId: string, now: Date, policy: RetentionPolicy, aborted: () => boolean = () => false): Promise<RetentionResult> {
  const cutoff = utcDay(now.getTime() - policy.days * DAY_MS);
  const { frontier, days } = await rollUpDays(sql, accountId, cutoff);
  const snapshotCutoff = frontier ? new Date(Math.min(cutoff.getTime(), frontier.getTime())) : null;
  let pending = deletes(accountId, cutoff, snapshotCutoff, new Date(now.getTime() - policy.artifactDays * DAY_MS), policy.batch);
  const deleted: Record<string, number> = Object.fromEntries(pending.map(([t]) => [t, 0]));
  for (let round = 0; round < policy.rounds && pending.length > 0 && !aborted(); round++) {
    const results = await sql.transaction(pending.map(([, s]) => s));
    for (const [i, [table]] of pending.entries()) deleted[table] = (deleted[table] ?? 0) + (results[i]?.length ?? 0);
    pending = pending.filter((_, i) => (results[i]?.length ?? 0) >= policy.batch);
  }
  return { rolledUpDays: days, deleted, more: pending.length > 0 };
}
