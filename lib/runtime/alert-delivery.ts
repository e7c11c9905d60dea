/**
 * Pushed alerts: each incident is sent to every XBOT_ALERT_WEBHOOK_URL once when it opens,
 * again every XBOT_ALERT_REMIND_HOURS while it stays open, and once when it resolves. What
 * was sent is recorded per incident, stage and target (`incidents.sent`), so a later run
 * never repeats it, and a failed send is retried by the next run. Sending is bounded (a
 * timeout per request and a deadline for the pass) and never throws. Known secrets are
 * redacted from every body; errors name the target's host, never its URL (it holds a token).
 */
import { createHash } from "node:crypto";
import { configSecrets, type Config } from "../config.js";
import { claimDelivery, listIncidents, recordDelivery, type Incident } from "../db/incidents.js";
import type { Sql } from "../db/sql.js";
import { toXbotError } from "../errors.js";
import type { Logger } from "../log.js";
import { alertBody, formatFor, type AlertEvent, type AlertFormat, type AlertIncident } from "./alert-format.js";

/** One webhook. `id` names it in `sent` without revealing the URL. */
export interface AlertTarget {
  readonly id: string;
  readonly url: string;
  readonly host: string;
  readonly format: AlertFormat;
}

/** How long one webhook request may take. */
export const SEND_TIMEOUT_MS = 5_000;

/**
 * The configured webhooks (none when XBOT_ALERT_WEBHOOK_URL is unset). A URL may name its own
 * format in its fragment (`...#format=slack`), which wins over XBOT_ALERT_FORMAT and the host;
 * the fragment is never sent (fetch drops it, and it is stripped here too).
 */
export function alertTargets(config: Config): AlertTarget[] {
  const urls =
    config.XBOT_ALERT_WEBHOOK_URL?.split(",")
      .map((u) => u.trim())
      .filter(Boolean) ?? [];
  return urls.map((raw) => {
    const parsed = new URL(raw);
    const own = /^#format=(json|slack|discord)$/.exec(parsed.hash)?.[1] as AlertFormat | undefined;
    if (own) parsed.hash = "";
    const url = parsed.toString();
    return { id: createHash("sha256").update(raw).digest("hex").slice(0, 12), url, host: parsed.host, format: formatFor(url, own ?? config.XBOT_ALERT_FORMAT) };
  });
}

/** Posts one alert to one target. Resolves to null when accepted (2xx), else the error text. */
export async function sendAlert(config: Config, target: AlertTarget, event: AlertEvent, incident: AlertIncident): Promise<string | null> {
  const body = alertBody(target.format, event, incident, { account: config.XBOT_ACCOUNT_ID, dashboard: config.XBOT_PUBLIC_URL ?? null, named: config.account !== undefined });
  try {
    const response = await fetch(target.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: redact(JSON.stringify(body), config),
      redirect: "error",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    await response.body?.cancel().catch(() => undefined);
    return response.ok ? null : `${target.host}: HTTP ${response.status}`;
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const cause = e.cause instanceof Error ? `: ${e.cause.message}` : "";
    return redact(`${target.host}: ${e.name === "TimeoutError" ? `no answer within ${SEND_TIMEOUT_MS} ms` : `${e.message}${cause}`}`, config).slice(0, 300);
  }
}

function redact(text: string, config: Config): string {
  let out = text;
  for (const secret of configSecrets(config)) if (secret.length >= 6) out = out.split(secret).join("[redacted]");
  return out;
}

/** A send due for an incident: the stage key it records and the event it sends. */
type Pending = { readonly target: AlertTarget; readonly stage: string; readonly event: AlertEvent };

/** What is due now for one incident, per target. Pure. */
export function pendingSends(incident: Incident, targets: readonly AlertTarget[], nowMs: number, remindMs: number): Pending[] {
  const out: Pending[] = [];
  for (const target of targets) {
    const sent = (stage: string) => incident.sent[`${stage}:${target.id}`] !== undefined;
    if (incident.resolvedAt) {
      // Announce a resolve only where the opening was announced, or one that came and went within the hour.
      const recent = nowMs - new Date(incident.resolvedAt).getTime() < 3_600_000;
      if (!sent("resolve") && (sent("open") || recent)) out.push({ target, stage: "resolve", event: "resolved" });
      continue;
    }
    if (!sent("open")) {
      out.push({ target, stage: "open", event: "opened" });
      continue;
    }
    const n = Math.floor((nowMs - new Date(incident.openedAt).getTime()) / remindMs);
    if (n >= 1 && !sent(`remind${n}`)) out.push({ target, stage: `remind${n}`, event: "reminder" });
  }
  return out;
}

/** What one delivery pass did. */
export interface DeliverySummary {
  readonly sent: number;
  readonly failed: number;
  readonly lastError: string | null;
}

/** Sends every due alert, bounded by `deadlineMs` (epoch ms). Never throws. */
export async function deliverAlerts(deps: { config: Config; sql: Sql; log: Logger }, nowMs: number, deadlineMs: number): Promise<DeliverySummary> {
  const targets = alertTargets(deps.config);
  const summary = { sent: 0, failed: 0, lastError: null as string | null };
  if (targets.length === 0) return summary;
  const remindMs = deps.config.XBOT_ALERT_REMIND_HOURS * 3_600_000;
  const now = new Date(nowMs);
  try {
    for (const incident of await listIncidents(deps.sql, deps.config.XBOT_ACCOUNT_ID, now, { resolvedWithinMs: 2 * 86_400_000, limit: 100 })) {
      if (Date.now() > deadlineMs) break;
      const due = pendingSends(incident, targets, nowMs, remindMs);
      if (due.length === 0 || !(await claimDelivery(deps.sql, incident.id, now, 2 * SEND_TIMEOUT_MS + 5_000))) continue;
      await deliverOne(deps, incident, due, now, summary);
    }
  } catch (error) {
    deps.log.warn("alerts: delivery pass failed; the next run retries", { error: toXbotError(error).toJSON() });
  }
  return summary;
}

async function deliverOne(
  deps: { config: Config; sql: Sql; log: Logger },
  incident: Incident,
  due: Pending[],
  now: Date,
  summary: { sent: number; failed: number; lastError: string | null },
): Promise<void> {
  const results = await Promise.all(due.map(async (p) => ({ p, error: await sendAlert(deps.config, p.target, p.event, incident) })));
  const sent: Record<string, string> = {};
  let lastError: string | null = null;
  for (const { p, error } of results) {
    if (error === null) {
      sent[`${p.stage}:${p.target.id}`] = now.toISOString();
      if (p.stage === "resolve") sent[`open:${p.target.id}`] ??= incident.sent[`open:${p.target.id}`] ?? now.toISOString();
      summary.sent++;
    } else {
      lastError = error;
      summary.failed++;
      deps.log.warn("alerts: delivery failed; the next run retries", { incident: incident.id, stage: p.stage, error });
    }
  }
  if (lastError) summary.lastError = lastError;
  await recordDelivery(deps.sql, incident.id, sent, lastError, now);
}
