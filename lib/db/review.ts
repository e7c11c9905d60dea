/**
 * The review queue: items in status `review` wait for a person (the post job never claims
 * them). approve -> queued (due now at the latest); edit -> new tweets, still in review;
 * reject and expiry -> cancelled. Every decision is a review_decisions row with its actor.
 * Each transition is one conditional UPDATE, so two reviewers cannot both decide one item.
 */
import { contentHash, type QueueItem } from "./queue.js";
import type { Sql } from "./sql.js";

/** A held item as the reviewer sees it. */
export interface ReviewItem {
  readonly id: string;
  readonly kind: QueueItem["kind"];
  readonly tweets: readonly string[];
  readonly source: QueueItem["source"];
  readonly inReplyTo: string | null;
  readonly reason: string | null;
  readonly checks: unknown;
  readonly origin: unknown;
  readonly dueAt: Date;
  readonly reviewUntil: Date | null;
}

/** The outcome of a decision; `missing` when no item with that id is in review. */
export type ReviewOutcome = { readonly success: true; readonly item: ReviewItem } | { readonly success: false; readonly reason: "not in review" };

const COLUMNS = `id::text, kind, tweets, source, in_reply_to AS "inReplyTo", reason, checks, origin, due_at AS "dueAt", review_until AS "reviewUntil"`;

/** Held items, the ones expiring first on top. */
export async function listReview(sql: Sql, accountId: string, limit = 50): Promise<ReviewItem[]> {
  return sql.query<ReviewItem>(`SELECT ${COLUMNS} FROM content_items WHERE account_id = $1 AND status = 'review' ORDER BY review_until NULLS LAST, id LIMIT $2`, [accountId, limit]);
}

/** One held item, or null. */
export async function reviewItem(sql: Sql, accountId: string, id: string): Promise<ReviewItem | null> {
  const rows = await sql.query<ReviewItem>(`SELECT ${COLUMNS} FROM content_items WHERE account_id = $1 AND id = $2 AND status = 'review'`, [accountId, id]);
  return rows[0] ?? null;
}

/** Records a decision (also "held", when an item enters review). */
export async function recordDecision(
  sql: Sql,
  d: { accountId: string; itemId: string; decision: "held" | "approve" | "edit" | "reject" | "expire"; actor: string; reason?: string | null; before?: unknown; after?: unknown; at: Date },
): Promise<void> {
  await sql.query("INSERT INTO review_decisions (account_id, item_id, decision, actor, reason, before, after, decided_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)", [
    d.accountId,
    d.itemId,
    d.decision,
    d.actor,
    d.reason ?? null,
    d.before === undefined ? null : JSON.stringify(d.before),
    d.after === undefined ? null : JSON.stringify(d.after),
    d.at.toISOString(),
  ]);
}

async function transition(sql: Sql, accountId: string, id: string, set: string, params: unknown[]): Promise<ReviewItem | null> {
  const rows = await sql.query<ReviewItem>(`UPDATE content_items SET ${set}, updated_at = $3::timestamptz WHERE account_id = $1 AND id = $2 AND status = 'review' RETURNING ${COLUMNS}`, [
    accountId,
    id,
    ...params,
  ]);
  return rows[0] ?? null;
}

/** Approves a held item: it becomes queued, due now at the latest. */
export async function approveItem(sql: Sql, accountId: string, id: string, actor: string, now: Date, reason?: string): Promise<ReviewOutcome> {
  const item = await transition(sql, accountId, id, "status = 'queued', due_at = LEAST(due_at, $3::timestamptz), review_until = NULL", [now.toISOString()]);
  if (!item) return { success: false, reason: "not in review" };
  await recordDecision(sql, { accountId, itemId: id, decision: "approve", actor, reason, at: now });
  return { success: true, item };
}

/** Rejects a held item (cancelled, with the reviewer's reason). */
export async function rejectItem(sql: Sql, accountId: string, id: string, actor: string, now: Date, reason: string): Promise<ReviewOutcome> {
  const item = await transition(sql, accountId, id, "status = 'cancelled', reason = $4", [now.toISOString(), `rejected by ${actor}: ${reason}`]);
  if (!item) return { success: false, reason: "not in review" };
  await recordDecision(sql, { accountId, itemId: id, decision: "reject", actor, reason, at: now });
  return { success: true, item };
}

/** Replaces a held item's tweets (the caller has gated them); it stays in review. */
export async function editItem(sql: Sql, accountId: string, id: string, actor: string, now: Date, tweets: readonly string[], checks: unknown): Promise<ReviewOutcome> {
  const before = await reviewItem(sql, accountId, id);
  if (!before) return { success: false, reason: "not in review" };
  const item = await transition(sql, accountId, id, "tweets = $4::jsonb, content_hash = $5, checks = $6::jsonb", [
    now.toISOString(),
    JSON.stringify(tweets),
    contentHash(tweets),
    JSON.stringify(checks),
  ]);
  if (!item) return { success: false, reason: "not in review" };
  await recordDecision(sql, { accountId, itemId: id, decision: "edit", actor, before: before.tweets, after: tweets, at: now });
  return { success: true, item };
}

/** Cancels held items past their review time; returns their ids. */
export async function expireReviews(sql: Sql, accountId: string, now: Date): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `UPDATE content_items SET status = 'cancelled', reason = 'review expired', updated_at = $2::timestamptz
     WHERE account_id = $1 AND status = 'review' AND review_until <= $2::timestamptz RETURNING id::text`,
    [accountId, now.toISOString()],
  );
  for (const r of rows) await recordDecision(sql, { accountId, itemId: r.id, decision: "expire", actor: "system:expiry", reason: "review expired", at: now });
  return rows.map((r) => r.id);
}

/** A review decision as the dashboard lists it. */
export interface ReviewDecision {
  readonly itemId: string;
  readonly decision: string;
  readonly actor: string;
  readonly reason: string | null;
  readonly decidedAt: Date;
}

/** The latest `limit` review decisions of `accountId`, newest first. */
export async function recentDecisions(sql: Sql, accountId: string, limit = 50): Promise<ReviewDecision[]> {
  return sql.query<ReviewDecision>(
    `SELECT item_id::text AS "itemId", decision, actor, reason, decided_at AS "decidedAt" FROM review_decisions WHERE account_id = $1 ORDER BY decided_at DESC, id DESC LIMIT $2`,
    [accountId, limit],
  );
}
