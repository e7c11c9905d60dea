/**
 * The db_down incident. Incidents live in the database, so a database outage is recorded in
 * the state store instead: the first run that finds the database unreachable (it failed with
 * db_unavailable, or the db breaker refused it) sets DB_DOWN_SINCE atomically and pushes the
 * opening alert from there, once per target, then a reminder per remind interval while it
 * lasts (a failed send is retried by the next run). The
 * first review after the database answers writes the incident row (opened at DB_DOWN_SINCE,
 * resolved now, with the openings already sent), so the usual delivery pass sends the resolve
 * once, then clears the marker. With the state store on Postgres too, an outage of that
 * database is also a state outage: nothing can be recorded, and only health shows it.
 */
import { recordPastIncident, type IncidentInput } from "../db/incidents.js";
import { toXbotError } from "../errors.js";
import { DB_DOWN_SINCE, dbDownSentCounter, dbDownSettleOnce } from "../state/keys.js";
import { alertTargets, sendAlert } from "./alert-delivery.js";
import type { RuntimeDeps } from "./runner.js";

const KEEP_MS = 30 * 86_400_000;

/** The incident a database outage raises. */
export function dbDownIncident(detail: string): IncidentInput {
  return {
    kind: "db_down",
    subject: "database",
    severity: "error",
    message: `The database cannot be reached (${detail.slice(0, 200)}); jobs fail or are skipped until it answers.`,
    fix: "Check DATABASE_URL and the database's status page (Neon: console.neon.tech); runs resume by themselves when it answers.",
  };
}

/** After a run the database refused: marks the outage and pushes the opening alert once per target. Never throws. */
export async function noteDbDown(deps: RuntimeDeps, runId: string, detail: string): Promise<void> {
  const state = deps.clients.state;
  const nowMs = (deps.clock ?? { now: Date.now }).now();
  try {
    await state.reserveCounter(DB_DOWN_SINCE, nowMs, nowMs, KEEP_MS);
    const since = await state.readCounter(DB_DOWN_SINCE);
    if (since <= 0) return;
    const incident = { ...dbDownIncident(detail), id: `db_down:${since}`, openedAt: new Date(since), resolvedAt: null, sourceRun: runId, sourceItem: null };
    // The opening, then one reminder per XBOT_ALERT_REMIND_HOURS while it lasts (stage "remind<n>").
    const n = Math.floor((nowMs - since) / (deps.config.XBOT_ALERT_REMIND_HOURS * 3_600_000));
    await Promise.all(
      alertTargets(deps.config).map(async (target) => {
        const opened = (await state.readCounter(dbDownSentCounter(since, target.id))) > 0;
        const stage = opened ? (n >= 1 ? `remind${n}` : null) : "open";
        if (stage === null || (stage !== "open" && (await state.readCounter(dbDownSentCounter(since, target.id, stage))) > 0)) return;
        const error = await sendAlert(deps.config, target, stage === "open" ? "opened" : "reminder", incident);
        if (error === null) await state.incrementCounter(dbDownSentCounter(since, target.id, stage === "open" ? undefined : stage), 1, KEEP_MS);
        else deps.log.warn("alerts: db_down delivery failed; the next run retries", { error });
      }),
    );
  } catch (error) {
    deps.log.warn("incidents: could not record the database outage in the state store", { runId, error: toXbotError(error).toJSON() });
  }
}

/** When the database answers: writes the resolved db_down incident (once) and clears the marker. Throws on a database failure. */
export async function settleDbDown(deps: RuntimeDeps, now: Date): Promise<boolean> {
  const state = deps.clients.state;
  let since: number;
  try {
    since = await state.readCounter(DB_DOWN_SINCE);
  } catch {
    return false;
  }
  if (since <= 0 || !(await state.claimOnce(dbDownSettleOnce(since), KEEP_MS))) return false;
  const sent: Record<string, string> = {};
  for (const target of alertTargets(deps.config)) {
    if ((await state.readCounter(dbDownSentCounter(since, target.id))) > 0) sent[`open:${target.id}`] = new Date(since).toISOString();
  }
  await recordPastIncident(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, dbDownIncident("it answers again"), new Date(since), now, sent);
  await state.incrementCounter(DB_DOWN_SINCE, -since, KEEP_MS);
  deps.log.info("incidents: the database answers again; db_down resolved", { since: new Date(since).toISOString() });
  return true;
}
