/**
 * What plan reads before planning, in three queries: the queue's state (pending items, the
 * last due or posted time, whether the account ever had an item), the texts the duplicate
 * gate compares with (recent posts and pending items), and when each content hash was last
 * posted or is due (for evergreen reuse).
 */
import { contentHash } from "./queue.js";
import { shingleHashes } from "./shingles.js";
import type { Sql } from "./sql.js";

/** When some content was last posted (by content hash, see `contentHash`). */
export interface PostedRecord {
  readonly contentHash: string;
  readonly postedAt: Date;
}

/** A text the duplicate gate compares with, and when it was posted or is due. */
export interface RecentText {
  readonly text: string;
  readonly at: Date;
  /** Its stored shingle hashes (lib/db/shingles.ts). */
  readonly shingles?: readonly number[];
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
  const [row] = await sql.query<{ pending: number; hasAny: boolean; lastDueAt: Date | null }>(
    `SELECT
       (SELECT count(*)::int FROM content_items WHERE account_id = $1 AND status IN ('queued', 'review', 'posting') AND kind <> 'reply') AS pending,
       (SELECT id FROM content_items WHERE account_id = $1 ORDER BY due_at DESC, id DESC LIMIT 1) IS NOT NULL AS "hasAny",
       GREATEST(
         (SELECT max(due_at) FROM content_items WHERE account_id = $1 AND status IN ('queued', 'review', 'posting') AND kind <> 'reply'),
         (SELECT max(posted_at) FROM posts WHERE account_id = $1 AND kind = 'single'),
         (SELECT max(posted_at) FROM posts WHERE account_id = $1 AND kind = 'thread')) AS "lastDueAt"`,
    [accountId],
  );
  return { pending: row?.pending ?? 0, empty: row?.hasAny !== true, lastDueAt: row?.lastDueAt ? new Date(row.lastDueAt) : null };
}

async function recentTexts(sql: Sql, accountId: string, limit: number): Promise<RecentText[]> {
  const rows = await sql.query<{ tweets: string[]; at: Date; shingles: number[] | null }>(
    `(SELECT jsonb_build_array(text) AS tweets, posted_at AS at, to_jsonb(shingles) AS shingles FROM posts
       WHERE account_id = $1 AND kind <> 'reply' ORDER BY posted_at DESC LIMIT $2)
     UNION ALL
     (SELECT tweets, due_at AS at, shingles -> 'joined' FROM content_items
       WHERE account_id = $1 AND status IN ('queued', 'review', 'posting') AND kind <> 'reply')`,
    [accountId, limit],
  );
  return rows.map((r) => {
    const text = r.tweets.join("\n");
    return { text, at: new Date(r.at), shingles: Array.isArray(r.shingles) ? r.shingles : shingleHashes(text) };
  });
}

/**
 * When each content hash was last posted or is due, since `since`: only the hashes in `hashes`
 * when given (the evergreen library's, all reuse asks about), through content_items_hash; and
 * receipts without an item (ghosts, reconciled), hashed from their text.
 */
async function postedRecords(sql: Sql, accountId: string, since: Date, hashes: readonly string[] | null): Promise<PostedRecord[]> {
  const rows = await sql.query<{ hash: string | null; text: string | null; at: Date }>(
    `SELECT content_hash AS hash, NULL AS text, posted_at AS at FROM content_items
       WHERE account_id = $1 AND status IN ('queued', 'posting', 'posted') AND posted_at IS NOT NULL AND posted_at >= $2
         AND ($3::text[] IS NULL OR content_hash = ANY($3::text[]))
     UNION ALL
     SELECT content_hash, NULL, due_at FROM content_items
       WHERE account_id = $1 AND status IN ('queued', 'posting', 'posted') AND posted_at IS NULL AND due_at >= $2
         AND ($3::text[] IS NULL OR content_hash = ANY($3::text[]))
     UNION ALL
     SELECT NULL, text, posted_at FROM posts WHERE account_id = $1 AND kind = 'single' AND posted_at >= $2 AND item_id IS NULL`,
    [accountId, since.toISOString(), hashes],
  );
  return rows.map((r) => ({ contentHash: r.hash ?? contentHash([r.text ?? ""]), postedAt: new Date(r.at) }));
}

/**
 * Reads the history plan needs; evergreen reuse looks back `minDays` days (plus margin), for
 * the content hashes in `hashes` when given (the library's), else for every hash.
 */
export async function loadPlanHistory(sql: Sql, accountId: string, now: Date, options: { recentPosts: number; minDays: number; hashes?: readonly string[] }): Promise<PlanHistory> {
  const since = new Date(now.getTime() - (options.minDays + 1) * DAY_MS);
  const [state, texts, posted] = await Promise.all([queueState(sql, accountId), recentTexts(sql, accountId, options.recentPosts), postedRecords(sql, accountId, since, options.hashes ?? null)]);
  return { ...state, recentTexts: texts, posted };
}
