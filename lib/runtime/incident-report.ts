/**
 * The incidents section of health (admin) and the dashboard: open incidents first, then
 * those resolved within a day, each with its alert delivery status; the alert targets (host
 * and format only, never the URL); and the count of stuck claims. `degraded` says whether
 * they make health degraded (any open error or warn incident, or a stuck claim).
 */
import type { Config } from "../config.js";
import { stuckClaimCount } from "../db/incident-facts.js";
import { listIncidents, type Incident } from "../db/incidents.js";
import type { Sql } from "../db/sql.js";
import { ATTEMPT_LEASE_MS } from "../posting/protocol.js";
import { alertTargets } from "./alert-delivery.js";

/** One incident as reported. */
export type ReportedIncident = Omit<Incident, "sent"> & { readonly alerts: { readonly sent: number; readonly lastSentAt: string | null } };

/** The incidents section. */
export interface IncidentReport {
  readonly open: readonly ReportedIncident[];
  readonly recent: readonly ReportedIncident[];
  readonly stuckClaims: number;
  readonly alerting: { readonly configured: boolean; readonly targets: readonly { readonly host: string; readonly format: string }[]; readonly remindHours: number };
  readonly degraded: boolean;
}

function reported(incident: Incident): ReportedIncident {
  const { sent, ...rest } = incident;
  const times = Object.values(sent ?? {}).sort();
  return { ...rest, alerts: { sent: times.length, lastSentAt: times.at(-1) ?? null } };
}

/** Builds the section. Throws on a database failure (health wraps it). */
export async function incidentReport(sql: Sql, config: Config, now: Date): Promise<IncidentReport> {
  const [incidents, stuckClaims] = await Promise.all([
    listIncidents(sql, config.XBOT_ACCOUNT_ID, now, { resolvedWithinMs: 86_400_000, limit: 50 }),
    stuckClaimCount(sql, config.XBOT_ACCOUNT_ID, new Date(now.getTime() - ATTEMPT_LEASE_MS)),
  ]);
  const open = incidents.filter((i) => i.resolvedAt === null).map(reported);
  return {
    open,
    recent: incidents.filter((i) => i.resolvedAt !== null).map(reported),
    stuckClaims,
    alerting: { configured: alertTargets(config).length > 0, targets: alertTargets(config).map((t) => ({ host: t.host, format: t.format })), remindHours: config.XBOT_ALERT_REMIND_HOURS },
    degraded: stuckClaims > 0 || open.some((i) => i.severity !== "info"),
  };
}
