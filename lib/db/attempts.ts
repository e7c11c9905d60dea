/**
 * post_attempts: the intent, written BEFORE touching X. An attempt is closed by the
 * receipt (succeeded), by a failure known to have happened before the click (failed, the
 * item is requeued or failed), or by reconciliation (succeeded or not_found). An attempt
 * whose outcome is unknown stays open until reconciliation: it is never retried blindly.
 */
import type { QueueItem } from "./queue.js";
import { oneRow, type Sql } from "./sql.js";

/** One try at X. */
export interface Attempt {
  readonly id: string;
  readonly itemId: string;
  readonly attemptNo: number;
  readonly runId: string;
  readonly status: "open" | "succeeded" | "failed" | "not_found";
  readonly startedAt: Date;
  readonly leaseUntil: Date;
}

const COLUMNS = `id::text, item_id::text AS "itemId", attempt_no AS "attemptNo", run_id AS "runId", status, started_at AS "startedAt", lease_until AS "leaseUntil"`;

/**
 * Opens the attempt of a claimed item. Fails (conflict) if one is already open. Its number is
 * the item's attempt count, or one past the last attempt row when that is higher (a dry run
 * refunds the attempt it counted, and its row keeps the number).
 */
export async function openAttempt(sql: Sql, item: QueueItem, run: { runId: string; mode: string; startedAt: Date; leaseUntil: Date }): Promise<Attempt> {
  const rows = await sql.query<Attempt>(
    `INSERT INTO post_attempts (account_id, item_id, attempt_no, run_id, mode, content_hash, started_at, lease_until)
     VALUES ($1, $2, greatest($3::int, coalesce((SELECT max(attempt_no) FROM post_attempts WHERE item_id = $2::bigint), 0) + 1), $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [item.accountId, item.id, item.attempts, run.runId, run.mode, item.contentHash, run.startedAt.toISOString(), run.leaseUntil.toISOString()],
  );
  return oneRow(rows, "opening a post attempt");
}

/** What happens to the item when an attempt is closed without a post. */
export type ItemAfter = { to: "queued" | "partial"; dueAt: Date; refundAttempt?: boolean } | { to: "failed" };

/** Closes an attempt as failed (or not found) and moves its item, in one transaction. */
export async function closeAttempt(
  sql: Sql,
  attempt: { id: string; itemId: string },
  close: { status: "failed" | "not_found"; errorCode: string; message: string; at: Date; item: ItemAfter },
): Promise<void> {
  const item = close.item;
  await sql.transaction([
    {
      text: "UPDATE post_attempts SET status = $2, error_code = $3, error_message = $4, finished_at = $5 WHERE id = $1 AND status = 'open'",
      params: [attempt.id, close.status, close.errorCode, close.message.slice(0, 500), close.at.toISOString()],
    },
    item.to !== "failed"
      ? {
          text: `UPDATE content_items SET status = $6, due_at = $2, reason = $3, claimed_by = NULL, updated_at = $4,
                   attempts = attempts - CASE WHEN $5::boolean THEN 1 ELSE 0 END
                 WHERE id = $1 AND status = 'posting'`,
          params: [attempt.itemId, item.dueAt.toISOString(), `${close.errorCode}: ${close.message}`.slice(0, 500), close.at.toISOString(), item.refundAttempt ?? false, item.to],
        }
      : {
          text: "UPDATE content_items SET status = 'failed', reason = $2, claimed_by = NULL, updated_at = $3 WHERE id = $1 AND status = 'posting'",
          params: [attempt.itemId, `${close.errorCode}: ${close.message}`.slice(0, 500), close.at.toISOString()],
        },
  ]);
}

/** Open attempts whose lease has passed, oldest first, with their items. */
export async function expiredOpenAttempts(sql: Sql, accountId: string, now: Date): Promise<(Attempt & { item: QueueItem })[]> {
  const rows = await sql.query<Attempt & { item: QueueItem }>(
    `SELECT a.id::text, a.item_id::text AS "itemId", a.attempt_no AS "attemptNo", a.run_id AS "runId", a.status, a.started_at AS "startedAt",
            a.lease_until AS "leaseUntil",
            jsonb_build_object('id', i.id::text, 'accountId', i.account_id, 'kind', i.kind, 'tweets', i.tweets, 'inReplyTo', i.in_reply_to, 'media', i.media, 'quoteOf', i.quote_of,
              'attempts', i.attempts, 'maxAttempts', i.max_attempts, 'dueAt', i.due_at, 'contentHash', i.content_hash) AS item
     FROM post_attempts a JOIN content_items i ON i.id = a.item_id
     WHERE a.account_id = $1 AND a.status = 'open' AND a.lease_until <= $2 ORDER BY a.started_at LIMIT 50`,
    [accountId, now.toISOString()],
  );
  return rows;
}

/** Items claimed (status posting) with no open attempt, claimed before `before`: crashed before the attempt row. A thread with tweets on X goes back to partial. */
export async function requeueOrphanClaims(sql: Sql, accountId: string, before: Date, now: Date): Promise<number> {
  const rows = await sql.query(
    `UPDATE content_items i SET status = CASE WHEN EXISTS (SELECT 1 FROM posts p WHERE p.item_id = i.id) THEN 'partial' ELSE 'queued' END, claimed_by = NULL, attempts = greatest(attempts - 1, 0), reason = 'claim abandoned before any attempt', updated_at = $3
     WHERE i.account_id = $1 AND i.status = 'posting' AND i.claimed_at <= $2
       AND NOT EXISTS (SELECT 1 FROM post_attempts a WHERE a.item_id = i.id AND a.status IN ('open', 'succeeded'))
     RETURNING 1`,
    [accountId, before.toISOString(), now.toISOString()],
  );
  return rows.length;
}
