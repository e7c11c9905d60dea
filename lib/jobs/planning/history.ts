/**
 * What plan reads before planning, in three queries: the queue's state (pending items, the
 * last due or posted time, whether the account ever had an item), the texts the duplicate
 * gate compares with (recent posts and pending items), and when each content hash was last
 * posted or is due (for evergreen reuse).
 */
import { contentHash } from "../../db/queue.js";
import type { Sql } from "../../db/sql.js";
import type { PostedRecord } from "../../content/evergreen.js";

/** A text the duplicate gate compares with, and when it was posted or is due. */
export interface RecentText {
  readonly text: string;
  readonly at: Date;
}

/** The queue and posting history plan works from. */
export interface PlanHistory {
  /** Queued or in-flight posts (replies excluded). */
  readonly pending: number;
  /** True when the account has never had a content item of any kind. */
  readonly empty: boolean;
  /** The latest due time of a pending item, or posting time of a post; null when none. */
  readonly lastDueAt: Date | null;
  readonly recentTexts: RecentText[];
  readonly posted: PostedRecord[];
}

const DAY_MS = 86_400_000;

async function queueState(sql: Sql, accountId: string): Promise<Pick<PlanHistory, "pending" | "empty" | "lastDueAt">> {
  const [row] = await sql.query<{ pending: number; total: number; lastDueAt: Date | null }>(
    `SELECT
       (SELECT count(*)::int FROM content_items WHERE account_id = $1 AND status IN ('queued', 'review', 'posting') AND kind <> 'reply') AS pending,
       (SELECT count(*)::int FROM content_items WHERE account_id = $1) AS total,
       GREATEST(
         (SELECT max(due_at) FROM content_items WHERE account_id = $1 AND status IN ('queued', 'review', 'posting') AND kind <> 'reply'),
         (SELECT max(posted_at) FROM posts WHERE account_id = $1 AND kind <> 'reply')) AS "lastDueAt"`,
    [accountId],
  );
  return { pending: row?.pending ?? 0, empty: (row?.total ?? 0) === 0, lastDueAt: row?.lastDueAt ? new Date(row.lastDueAt) : null };
}

async function recentTexts(sql: Sql, accountId: string, limit: number): Promise<RecentText[]> {
  const rows = await sql.query<{ tweets: string[]; at: Date }>(
    `(SELECT jsonb_build_array(text) AS tweets, posted_at AS at FROM posts
       WHERE account_id = $1 AND kind <> 'reply' ORDER BY posted_at DESC LIMIT $2)
     UNION ALL
     (SELECT tweets, due_at AS at FROM content_items
       WHERE account_id = $1 AND status IN ('queued', 'review', 'posting') AND kind <> 'reply')`,
    [accountId, limit],
  );
  return rows.map((r) => ({ text: r.tweets.join("\n"), at: new Date(r.at) }));
}

async function postedRecords(sql: Sql, accountId: string, since: Date): Promise<PostedRecord[]> {
  const rows = await sql.query<{ hash: string | null; text: string | null; at: Date }>(
    `SELECT content_hash AS hash, NULL AS text, coalesce(posted_at, due_at) AS at FROM content_items
       WHERE account_id = $1 AND status IN ('queued', 'posting', 'posted') AND coalesce(posted_at, due_at) >= $2
     UNION ALL
     SELECT NULL, text, posted_at FROM posts WHERE account_id = $1 AND kind = 'single' AND posted_at >= $2`,
    [accountId, since.toISOString()],
  );
  return rows.map((r) => ({ contentHash: r.hash ?? contentHash([r.text ?? ""]), postedAt: new Date(r.at) }));
}

/** Reads the history plan needs; evergreen reuse looks back `minDays` days (plus margin). */
export async function loadPlanHistory(sql: Sql, accountId: string, now: Date, options: { recentPosts: number; minDays: number }): Promise<PlanHistory> {
  const since = new Date(now.getTime() - (options.minDays + 1) * DAY_MS);
  const [state, texts, posted] = await Promise.all([
    queueState(sql, accountId),
    recentTexts(sql, accountId, options.recentPosts),
    postedRecords(sql, accountId, since),
  ]);
  return { ...state, recentTexts: texts, posted };
}
