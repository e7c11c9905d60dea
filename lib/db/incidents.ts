/**
 * incidents: one row per problem (lib/runtime/incidents.ts decides what is a problem). The
 * dedupe key names a problem; at most one open incident per key (a partial unique index), so
 * concurrent runs that see the same problem touch one row. `sent` records alert deliveries.
 */
import type { Sql } from "./sql.js";

/** How bad an incident is: `error` stops or endangers posting, `warn` needs a look, `info` none. */
export type Severity = "error" | "warn" | "info";

/** A problem as a rule sees it now. */
export interface IncidentInput {
  readonly kind: string;
  readonly subject: string;
  readonly severity: Severity;
  readonly message: string;
  readonly fix: string;
  readonly sourceRun?: string | null;
  readonly sourceItem?: string | null;
}

/** A stored incident. */
export interface Incident extends Required<IncidentInput> {
  readonly id: string;
  readonly dedupeKey: string;
  readonly openedAt: Date;
  readonly lastSeenAt: Date;
  readonly resolvedAt: Date | null;
  readonly sent: Readonly<Record<string, string>>;
  readonly deliveryError: string | null;
  readonly deliveryErrorAt: Date | null;
}

const COLUMNS = `id::text, dedupe_key AS "dedupeKey", kind, subject, severity, message, fix, source_run AS "sourceRun", source_item AS "sourceItem",
  opened_at AS "openedAt", last_seen_at AS "lastSeenAt", resolved_at AS "resolvedAt", sent, delivery_error AS "deliveryError", delivery_error_at AS "deliveryErrorAt"`;

/** The dedupe key of a problem: its kind and subject. */
export function dedupeKeyOf(input: Pick<IncidentInput, "kind" | "subject">): string {
  return `${input.kind}:${input.subject}`;
}

/** Opens the incident of a problem, or refreshes the open one (message, fix, last seen). True when it was opened now. */
export async function raiseIncident(sql: Sql, accountId: string, input: IncidentInput, now: Date): Promise<boolean> {
  const rows = await sql.query<{ opened: boolean }>(
    `INSERT INTO incidents (account_id, dedupe_key, kind, subject, severity, message, fix, source_run, source_item, opened_at, last_seen_at)
     VALUES ($1, $2, $3, $4, $5, left($6, 1000), left($7, 1000), $8, $9, $10, $10)
     ON CONFLICT (account_id, dedupe_key) WHERE resolved_at IS NULL
     DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, message = EXCLUDED.message, fix = EXCLUDED.fix, severity = EXCLUDED.severity
     RETURNING (xmax = 0) AS opened`,
    [accountId, dedupeKeyOf(input), input.kind, input.subject, input.severity, input.message, input.fix, input.sourceRun ?? null, input.sourceItem ?? null, now.toISOString()],
  );
  return rows[0]?.opened === true;
}

/** Resolves the open incidents of `kinds` whose key is not in `stillOpen` (their condition cleared). Returns their keys. */
export async function resolveCleared(sql: Sql, accountId: string, kinds: readonly string[], stillOpen: readonly string[], now: Date): Promise<string[]> {
  if (kinds.length === 0) return [];
  const rows = await sql.query<{ key: string }>(
    `UPDATE incidents SET resolved_at = $4 WHERE account_id = $1 AND resolved_at IS NULL AND kind = ANY($2::text[]) AND NOT (dedupe_key = ANY($3::text[]))
     RETURNING dedupe_key AS key`,
    [accountId, kinds, stillOpen, now.toISOString()],
  );
  return rows.map((r) => r.key);
}

/** Open incidents first (newest first), then those resolved within `resolvedWithinMs`. */
export async function listIncidents(sql: Sql, accountId: string, now: Date, options: { resolvedWithinMs?: number; limit?: number } = {}): Promise<Incident[]> {
  return sql.query<Incident>(
    `SELECT ${COLUMNS} FROM incidents WHERE account_id = $1 AND (resolved_at IS NULL OR resolved_at > $2::timestamptz - ($3::bigint * interval '1 millisecond'))
     ORDER BY resolved_at IS NOT NULL, opened_at DESC, id DESC LIMIT $4`,
    [accountId, now.toISOString(), options.resolvedWithinMs ?? 24 * 3_600_000, options.limit ?? 50],
  );
}

/** Takes an incident's delivery for `ms` (one sender at a time). False when another run holds it. */
export async function claimDelivery(sql: Sql, id: string, now: Date, ms: number): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE incidents SET delivery_claim_until = $2::timestamptz + ($3::bigint * interval '1 millisecond')
     WHERE id = $1 AND (delivery_claim_until IS NULL OR delivery_claim_until <= $2) RETURNING 1`,
    [id, now.toISOString(), ms],
  );
  return rows.length === 1;
}

/** Records deliveries done (`sent` entries) and the last error (null clears it), and hands the claim back. */
export async function recordDelivery(sql: Sql, id: string, sent: Record<string, string>, error: string | null, now: Date): Promise<void> {
  await sql.query(
    `UPDATE incidents SET sent = sent || $2::jsonb, delivery_claim_until = NULL,
       delivery_error = CASE WHEN $3::text IS NULL THEN NULL ELSE left($3, 500) END, delivery_error_at = CASE WHEN $3::text IS NULL THEN delivery_error_at ELSE $4::timestamptz END
     WHERE id = $1`,
    [id, JSON.stringify(sent), error, now.toISOString()],
  );
}

/** Writes an incident that opened and resolved while the database could not be written (db_down), with the deliveries already made. */
export async function recordPastIncident(sql: Sql, accountId: string, input: IncidentInput, openedAt: Date, resolvedAt: Date, sent: Record<string, string>): Promise<void> {
  await sql.query(
    `INSERT INTO incidents (account_id, dedupe_key, kind, subject, severity, message, fix, source_run, source_item, opened_at, last_seen_at, resolved_at, sent)
     VALUES ($1, $2, $3, $4, $5, left($6, 1000), left($7, 1000), $8, $9, $10, $11, $11, $12::jsonb)`,
    [
      accountId,
      dedupeKeyOf(input),
      input.kind,
      input.subject,
      input.severity,
      input.message,
      input.fix,
      input.sourceRun ?? null,
      input.sourceItem ?? null,
      openedAt.toISOString(),
      resolvedAt.toISOString(),
      JSON.stringify(sent),
    ],
  );
}
