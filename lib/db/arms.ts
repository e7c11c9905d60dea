/**
 * The bandit_arms table over the `Sql` port. Posterior updates are ONE atomic SQL
 * increment, so two learn runs never lose each other's update (no read-modify-write).
 * `saveArmUpdateOnce` applies a post's reward exactly once (it needs migration 006's posts.scored_at).
 */
import type { Sql } from "./sql.js";

/** One arm and its posterior. */
export interface Arm {
  readonly armId: string;
  readonly topic: string;
  readonly format: string;
  readonly hourBucket: number;
  readonly alpha: number;
  readonly beta: number;
  readonly pulls: number;
  /** Sum of rewards in [0, 1]. */
  readonly rewardSum: number;
}

/** The arm id: `topic:format:hourBucket`. */
export function armId(topic: string, format: string, hourBucket: number): string {
  return `${topic}:${format}:${hourBucket}`;
}

const COLUMNS = `arm_id AS "armId", topic, format, hour_bucket AS "hourBucket", alpha::float8 AS alpha, beta::float8 AS beta,
  pulls, reward_sum::float8 AS "rewardSum"`;

/** Creates missing arms for every topic × format × bucket (Beta(1, 1)); existing arms are untouched. Returns how many were created. */
export async function ensureArms(sql: Sql, accountId: string, topics: readonly string[], formats: readonly string[], buckets: readonly number[]): Promise<number> {
  const rows: [string, string, string, number][] = [];
  for (const topic of topics) for (const format of formats) for (const bucket of buckets) rows.push([armId(topic, format, bucket), topic, format, bucket]);
  if (rows.length === 0) return 0;
  const created = await sql.query(
    `INSERT INTO bandit_arms (account_id, arm_id, topic, format, hour_bucket)
     SELECT $1, a.arm_id, a.topic, a.format, a.hour_bucket
     FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) AS a(arm_id, topic, format, hour_bucket)
     ON CONFLICT (account_id, arm_id) DO NOTHING
     RETURNING 1`,
    [accountId, rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
  );
  return created.length;
}

/** Which arms to load; absent fields do not filter (so retired topics can be excluded by passing the current ones). */
export interface ArmFilter {
  readonly topics?: readonly string[];
  readonly formats?: readonly string[];
  readonly buckets?: readonly number[];
}

/** The arms of an account, ordered by id. */
export async function loadArms(sql: Sql, accountId: string, filter: ArmFilter = {}): Promise<Arm[]> {
  return sql.query<Arm>(
    `SELECT ${COLUMNS} FROM bandit_arms
     WHERE account_id = $1 AND ($2::text[] IS NULL OR topic = ANY($2::text[]))
       AND ($3::text[] IS NULL OR format = ANY($3::text[])) AND ($4::int[] IS NULL OR hour_bucket = ANY($4::int[]))
     ORDER BY arm_id`,
    [accountId, filter.topics ?? null, filter.formats ?? null, filter.buckets ?? null],
  );
}

/** The posterior increment for a reward `$3` in [0, 1]: alpha += r, beta += 1 − r. */
const ARM_INCREMENT = `alpha = alpha + $3::float8, beta = beta + (1 - $3::float8), pulls = pulls + 1,
       reward_sum = reward_sum + $3::float8, updated_at = now()`;

function clamp01(reward01: number): number {
  return Number.isFinite(reward01) ? Math.min(1, Math.max(0, reward01)) : 0;
}

/** Applies one reward in [0, 1] atomically (alpha += r, beta += 1 − r, pulls += 1); null when the arm does not exist. */
export async function saveArmUpdate(sql: Sql, accountId: string, id: string, reward01: number): Promise<Arm | null> {
  const rows = await sql.query<Arm>(
    `UPDATE bandit_arms SET ${ARM_INCREMENT}
     WHERE account_id = $1 AND arm_id = $2
     RETURNING ${COLUMNS}`,
    [accountId, id, clamp01(reward01)],
  );
  return rows[0] ?? null;
}

/** A post's score, applied at most once. */
export interface PostScore {
  /** posts.id of the scored post. */
  readonly postId: string;
  /** The arm to update; null scores the post without touching an arm. */
  readonly armId: string | null;
  readonly reward01: number;
  readonly raw: number;
  readonly scoredAt: Date;
}

/**
 * Marks a post scored and applies its reward to its arm in ONE statement: the arm moves only
 * when this call is the one that set `posts.scored_at`, so a re-run or a concurrent run never
 * counts a post twice. `marked` false: it was already scored; `updated` false: no such arm.
 */
export async function saveArmUpdateOnce(sql: Sql, accountId: string, score: PostScore): Promise<{ marked: boolean; updated: boolean }> {
  const [row] = await sql.query<{ marked: number; updated: number }>(
    `WITH marked AS (
       UPDATE posts SET scored_at = $5, reward = $3::float8, reward_raw = $6, scored_arm_id = $2
       WHERE account_id = $1 AND id = $4::bigint AND scored_at IS NULL RETURNING id),
     arm AS (
       UPDATE bandit_arms SET ${ARM_INCREMENT}
       WHERE account_id = $1 AND arm_id = $2 AND EXISTS (SELECT 1 FROM marked) RETURNING 1)
     SELECT (SELECT count(*) FROM marked)::int AS marked, (SELECT count(*) FROM arm)::int AS updated`,
    [accountId, score.armId, clamp01(score.reward01), score.postId, score.scoredAt.toISOString(), Number.isFinite(score.raw) ? score.raw : null],
  );
  return { marked: (row?.marked ?? 0) > 0, updated: (row?.updated ?? 0) > 0 };
}
