/**
 * The content queue (content_items). Status lifecycle:
 *   queued -> posting (claim) -> posted (receipt) | queued (reconcile requeue) | failed
 *   posting -> partial (reconcile: a thread with tweets missing) -> posting (the post job
 *     finishes it) | cancelled (operator)
 *   queued -> cancelled (operator)
 *   review (held for a person, never claimed) -> queued (approve) | cancelled (reject, expiry); see review.ts
 * `claimDue` is the first step of exactly-once posting: one statement, SKIP LOCKED, so
 * concurrent claimers never receive the same item.
 */
import { createHash } from "node:crypto";
import { itemShingles } from "./shingles.js";
import type { Sql } from "./sql.js";

/** Kinds of queued content. */
export type ItemKind = "single" | "thread" | "reply";
/** Where in its lifecycle an item is. */
export type ItemStatus = "queued" | "review" | "posting" | "posted" | "partial" | "failed" | "cancelled";

/** One queued (or finished) piece of content. */
export interface QueueItem {
  readonly id: string;
  readonly accountId: string;
  readonly kind: ItemKind;
  readonly status: ItemStatus;
  readonly tweets: readonly string[];
  readonly contentHash: string;
  readonly source: "llm" | "evergreen" | "manual";
  readonly topic: string | null;
  readonly format: string | null;
  readonly armId: string | null;
  readonly inReplyTo: string | null;
  /** Media ids per tweet (`media[i]` for `tweets[i]`, at most 4 each); shorter or empty = none. */
  readonly media: readonly (readonly string[])[];
  /** The tweet this post quotes (x.com `attachment_url`), or null. */
  readonly quoteOf: string | null;
  readonly dueAt: Date;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly tweetId: string | null;
  readonly postedAt: Date | null;
  readonly reason: string | null;
}

/** What a producer supplies to enqueue. */
export interface NewItem {
  readonly accountId: string;
  readonly kind: ItemKind;
  readonly tweets: readonly string[];
  readonly source: QueueItem["source"];
  readonly dueAt: Date;
  readonly topic?: string | null;
  readonly format?: string | null;
  readonly hourBucket?: number | null;
  readonly armId?: string | null;
  readonly inReplyTo?: string | null;
  readonly maxAttempts?: number;
  /** Media ids per tweet (see {@link QueueItem.media}). */
  readonly media?: readonly (readonly string[])[];
  /** Quoted tweet id (see {@link QueueItem.quoteOf}). */
  readonly quoteOf?: string | null;
  /** "review": held for a person until `reviewUntil` (default "queued"). */
  readonly status?: "queued" | "review";
  readonly reviewUntil?: Date | null;
  /** What the gates and the safety check said. */
  readonly checks?: unknown;
  /** Where it came from (a reply's target). */
  readonly origin?: unknown;
}

const COLUMNS = `id::text, account_id AS "accountId", kind, status, tweets, content_hash AS "contentHash", source, topic, format,
  arm_id AS "armId", in_reply_to AS "inReplyTo", media, quote_of AS "quoteOf", due_at AS "dueAt", attempts, max_attempts AS "maxAttempts",
  tweet_id AS "tweetId", posted_at AS "postedAt", reason`;

/**
 * Hash of normalised content: the duplicate key of the queue. Media ids and a quoted tweet
 * are part of the content when present (text-only content hashes as it always did).
 */
export function contentHash(tweets: readonly string[], extra: { media?: readonly (readonly string[])[]; quoteOf?: string | null } = {}): string {
  const normal = tweets.map((t) => t.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase()).join("\n");
  const list = mediaOf(extra.media);
  const media = list.length > 0 ? `\nmedia:${JSON.stringify(list)}` : "";
  const quote = extra.quoteOf ? `\nquote:${extra.quoteOf}` : "";
  return createHash("sha256")
    .update(normal + media + quote)
    .digest("hex");
}

/** Media per tweet, trimmed of trailing empty entries (`[]` when no tweet carries any). */
export function mediaOf(media: readonly (readonly string[])[] | undefined): string[][] {
  const list = (media ?? []).map((m) => [...m]);
  while (list.length > 0 && list[list.length - 1]!.length === 0) list.pop();
  return list;
}

/** Enqueues an item; null when the same content is already queued or in flight. */
export async function enqueue(sql: Sql, item: NewItem): Promise<QueueItem | null> {
  const media = mediaOf(item.media);
  const rows = await sql.query<QueueItem>(
    `INSERT INTO content_items (account_id, kind, tweets, content_hash, source, due_at, topic, format, hour_bucket, arm_id, in_reply_to, max_attempts, shingles, media, quote_of,
       status, review_until, checks, origin)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb, $15, $16, $17, $18::jsonb, $19::jsonb)
     ON CONFLICT (account_id, content_hash) WHERE status IN ('queued', 'review', 'posting', 'partial') DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      item.accountId,
      item.kind,
      JSON.stringify(item.tweets),
      contentHash(item.tweets, { media, quoteOf: item.quoteOf ?? null }),
      item.source,
      item.dueAt.toISOString(),
      item.topic ?? null,
      item.format ?? null,
      item.hourBucket ?? null,
      item.armId ?? null,
      item.inReplyTo ?? null,
      item.maxAttempts ?? 3,
      JSON.stringify(itemShingles(item.tweets)),
      JSON.stringify(media),
      item.quoteOf ?? null,
      item.status ?? "queued",
      item.reviewUntil?.toISOString() ?? null,
      item.checks === undefined ? null : JSON.stringify(item.checks),
      item.origin === undefined ? null : JSON.stringify(item.origin),
    ],
  );
  return rows[0] ?? null;
}

/** Claims the earliest due queued item for a run, or null. Never hands one item out twice. */
export async function claimDue(sql: Sql, accountId: string, runId: string, now: Date, kinds: readonly ItemKind[] = ["single", "thread", "reply"]): Promise<QueueItem | null> {
  const rows = await sql.query<QueueItem>(
    `UPDATE content_items SET status = 'posting', claimed_by = $2, claimed_at = $3::timestamptz, attempts = attempts + 1, updated_at = $3::timestamptz
     WHERE status = 'queued' AND id = (
       SELECT id FROM content_items
       WHERE account_id = $1 AND status = 'queued' AND due_at <= $3 AND kind = ANY($4::text[])
       ORDER BY due_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
     RETURNING ${COLUMNS}`,
    [accountId, runId, now.toISOString(), kinds],
  );
  return rows[0] ?? null;
}

/**
 * Claims the earliest due partial thread (to finish it), or null. Same guarantees as
 * {@link claimDue}. A thread is retried up to twice its max attempts in all; then it stays
 * `partial` for the operator (finish it by hand, or cancel it).
 */
export async function claimPartial(sql: Sql, accountId: string, runId: string, now: Date): Promise<QueueItem | null> {
  const rows = await sql.query<QueueItem>(
    `UPDATE content_items SET status = 'posting', claimed_by = $2, claimed_at = $3::timestamptz, attempts = attempts + 1, updated_at = $3::timestamptz
     WHERE status = 'partial' AND id = (
       SELECT id FROM content_items
       WHERE account_id = $1 AND status = 'partial' AND due_at <= $3 AND attempts < 2 * max_attempts
       ORDER BY due_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
     RETURNING ${COLUMNS}`,
    [accountId, runId, now.toISOString()],
  );
  return rows[0] ?? null;
}

/** Items of an account, newest due first, optionally by status (content_items_list / content_items_status_list). */
export async function listItems(sql: Sql, accountId: string, options: { status?: ItemStatus; limit?: number } = {}): Promise<QueueItem[]> {
  const limit = options.limit ?? 50;
  if (options.status === undefined) {
    return sql.query<QueueItem>(`SELECT ${COLUMNS} FROM content_items WHERE account_id = $1 ORDER BY due_at DESC, id DESC LIMIT $2`, [accountId, limit]);
  }
  return sql.query<QueueItem>(`SELECT ${COLUMNS} FROM content_items WHERE account_id = $1 AND status = $2 ORDER BY due_at DESC, id DESC LIMIT $3`, [accountId, options.status, limit]);
}

/** Cancels a queued or partial item; false when it is neither (posting or finished). */
export async function cancelItem(sql: Sql, accountId: string, id: string): Promise<boolean> {
  const rows = await sql.query(
    "UPDATE content_items SET status = 'cancelled', reason = 'cancelled by operator', updated_at = now() WHERE account_id = $1 AND id = $2 AND status IN ('queued', 'partial') RETURNING 1",
    [accountId, id],
  );
  return rows.length === 1;
}

/** Finished items older than this are not counted by {@link queueCounts}. */
export const QUEUE_COUNT_WINDOW_MS = 30 * 86_400_000;

/**
 * Counts of items by status (for the dashboard): every live item (queued, review, posting, partial),
 * and finished ones (posted, failed, cancelled) last updated in the 30 days before `now`, so
 * the count reads a window of content_items_updated, not the account's whole history. Without
 * `now`, every item is counted (a full scan: for tests and one-off tools, not hot paths).
 */
export async function queueCounts(sql: Sql, accountId: string, now?: Date): Promise<Record<ItemStatus, number>> {
  const rows = await sql.query<{ status: ItemStatus; n: number }>(
    `SELECT status, count(*)::int AS n FROM content_items
     WHERE account_id = $1 AND (status IN ('queued', 'review', 'posting', 'partial')
       OR (status IN ('posted', 'failed', 'cancelled') AND updated_at > $2::timestamptz - $3 * interval '1 millisecond'))
     GROUP BY status`,
    [accountId, now?.toISOString() ?? "-infinity", now ? QUEUE_COUNT_WINDOW_MS : 0],
  );
  const counts: Record<ItemStatus, number> = { queued: 0, review: 0, posting: 0, posted: 0, partial: 0, failed: 0, cancelled: 0 };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** How many content items `accountId` has, in any status. */
export async function contentItemCount(sql: Sql, accountId: string): Promise<number> {
  const rows = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM content_items WHERE account_id = $1", [accountId]);
  return rows[0]?.n ?? 0;
}
