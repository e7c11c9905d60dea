/**
 * Claims handed back before any attempt row exists (the other half of `claimDue` in
 * queue.ts): by the claiming run itself when it fails before the attempt (browser launch,
 * session load), and by heal for claims abandoned by a run that died. Never a claim with an
 * open or succeeded attempt: only reconciliation decides those (the click may have happened).
 */
import type { QueueItem } from "./queue.js";
import type { Sql } from "./sql.js";

/**
 * Hands a claim back at once, with the reason, when the run fails before it wrote any attempt
 * (browser launch, session load): the item is `queued` again (`partial` when it has receipts),
 * its attempt refunded. Only the claiming run's own claim, and never one with an attempt.
 */
export async function releaseClaim(sql: Sql, item: QueueItem, runId: string, reason: string, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE content_items i SET status = CASE WHEN EXISTS (SELECT 1 FROM posts p WHERE p.item_id = i.id) THEN 'partial' ELSE 'queued' END,
       claimed_by = NULL, attempts = greatest(attempts - 1, 0), reason = left($3, 500), updated_at = $4
     WHERE i.id = $1 AND i.status = 'posting' AND i.claimed_by = $2
       AND NOT EXISTS (SELECT 1 FROM post_attempts a WHERE a.item_id = i.id AND a.status IN ('open', 'succeeded'))
     RETURNING 1`,
    [item.id, runId, reason, now.toISOString()],
  );
  return rows.length === 1;
}

/** Like requeueOrphanClaims (db/attempts.ts), returning the ids released: claims before `before` with no attempt. */
export async function releaseOrphanClaims(sql: Sql, accountId: string, before: Date, now: Date): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `UPDATE content_items i SET status = CASE WHEN EXISTS (SELECT 1 FROM posts p WHERE p.item_id = i.id) THEN 'partial' ELSE 'queued' END,
       claimed_by = NULL, attempts = greatest(attempts - 1, 0), reason = 'claim abandoned before any attempt (released by heal)', updated_at = $3
     WHERE i.account_id = $1 AND i.status = 'posting' AND i.claimed_at <= $2
       AND NOT EXISTS (SELECT 1 FROM post_attempts a WHERE a.item_id = i.id AND a.status IN ('open', 'succeeded'))
     RETURNING i.id::text`,
    [accountId, before.toISOString(), now.toISOString()],
  );
  return rows.map((r) => r.id);
}
