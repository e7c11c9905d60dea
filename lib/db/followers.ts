/**
 * Follower snapshots (follower_snapshots) and their attribution to posts. The delta of a
 * post over a window W is: the first snapshot at or after postedAt + W, minus the last
 * snapshot at or before postedAt. Each must lie within a tolerance of its moment (the
 * followers job runs every 2 h; a snapshot days away says nothing about this post), else
 * the delta is null, as it is while the window has not passed yet.
 */
import type { Sql } from "./sql.js";

/** Attribution windows. */
export type FollowerWindow = "2h" | "24h" | "48h";

/** Window lengths in ms. */
export const FOLLOWER_WINDOWS_MS: Readonly<Record<FollowerWindow, number>> = Object.freeze({ "2h": 2 * 3_600_000, "24h": 24 * 3_600_000, "48h": 48 * 3_600_000 });

/** How far a snapshot may be from the moment it stands for: 4 h, or a quarter of the window when longer. */
export function attributionToleranceMs(windowMs: number): number {
  return Math.max(4 * 3_600_000, windowMs / 4);
}

/** Follower change after a post per window; null when not (yet) measurable. */
export type FollowerDeltas = Readonly<Record<FollowerWindow, number | null>>;

/** Records a follower count taken at `takenAt`. */
export async function insertFollowerSnapshot(sql: Sql, accountId: string, followers: number, takenAt: Date): Promise<void> {
  await sql.query("INSERT INTO follower_snapshots (account_id, followers, taken_at) VALUES ($1, $2, $3)", [accountId, followers, takenAt.toISOString()]);
}

/** The latest snapshot at or before `at` (default: any), or null. */
export async function latestFollowers(sql: Sql, accountId: string, at?: Date): Promise<{ followers: number; takenAt: Date } | null> {
  const rows = await sql.query<{ followers: number; takenAt: Date }>(
    `SELECT followers, taken_at AS "takenAt" FROM follower_snapshots
     WHERE account_id = $1 AND ($2::timestamptz IS NULL OR taken_at <= $2) ORDER BY taken_at DESC LIMIT 1`,
    [accountId, at?.toISOString() ?? null],
  );
  const row = rows[0];
  return row ? { followers: row.followers, takenAt: new Date(row.takenAt) } : null;
}

/** Follower deltas of a post posted at `postedAt`, over 2 h, 24 h and 48 h (one query). */
export async function followerDeltas(sql: Sql, accountId: string, postedAt: Date): Promise<FollowerDeltas> {
  const windows = Object.entries(FOLLOWER_WINDOWS_MS) as [FollowerWindow, number][];
  const rows = await sql.query<{ name: FollowerWindow; delta: number | null }>(
    `WITH base AS (
       SELECT followers FROM follower_snapshots
       WHERE account_id = $1 AND taken_at <= $2::timestamptz AND taken_at >= $2::timestamptz - $5 * interval '1 millisecond'
       ORDER BY taken_at DESC LIMIT 1)
     SELECT w.name, (SELECT s.followers FROM follower_snapshots s
                     WHERE s.account_id = $1 AND s.taken_at >= $2::timestamptz + w.ms * interval '1 millisecond'
                       AND s.taken_at <= $2::timestamptz + (w.ms + w.tol) * interval '1 millisecond'
                     ORDER BY s.taken_at LIMIT 1) - (SELECT followers FROM base) AS delta
     FROM unnest($3::text[], $4::float8[], $6::float8[]) AS w(name, ms, tol)`,
    [accountId, postedAt.toISOString(), windows.map(([n]) => n), windows.map(([, ms]) => ms), attributionToleranceMs(0), windows.map(([, ms]) => attributionToleranceMs(ms))],
  );
  const out: Record<FollowerWindow, number | null> = { "2h": null, "24h": null, "48h": null };
  for (const r of rows) out[r.name] = r.delta === null ? null : Number(r.delta);
  return out;
}
