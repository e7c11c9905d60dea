/**
 * Health: probes of db and state, breakers with their phase and cool-down, browser slot
 * usage, job heartbeats judged against each job's interval, the service level, and the
 * last run of each job, and the incidents (incident-report.ts). `status` is down (the database
 * is unreachable), degraded (the state store is unreachable, level < 3, a job that has run is
 * overdue, a claim is stuck, or an error/warn incident is open) or ok. With the
 * state store down, posting fails closed: alerts say so.
 */
import { accountScope } from "../config.js";
import { breakersOfScope } from "../state/keys.js";
import { probeDb } from "../db/health.js";
import { postingProblems } from "../db/posts.js";
import { lastRunPerJob } from "../db/runs.js";
import { toXbotError } from "../errors.js";
import { BREAKER_POLICIES, LEVEL_WHEN_OPEN } from "../resilience/policies.js";
import { breakerPhase, type BreakerRecord } from "../state/breaker.js";
import type { Heartbeat } from "../state/store.js";
import { BROWSER_RESOURCE } from "./admission.js";
import { jobHealth } from "../jobs/catalog.js";
import { alertsOf } from "./alerts.js";
import { incidentReport } from "./incident-report.js";
import { xApiKeys } from "../jobs/x-budget.js";
import type { RuntimeDeps } from "./runner.js";

/** The full health report (admin only). */
export type HealthReport = Awaited<ReturnType<typeof healthReport>>;

async function safe<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error: toXbotError(error).message };
  }
}

/** Computes the service level from breakers (3 full ... 0 survival). */
export function serviceLevel(breakers: Record<string, BreakerRecord>): number {
  let level = 3;
  for (const [name, record] of Object.entries(breakers)) {
    if (record.state !== "closed") level = Math.min(level, (LEVEL_WHEN_OPEN as Record<string, number>)[name] ?? 3);
  }
  return level;
}

/** Builds the health report. Never throws. */
export async function healthReport(deps: RuntimeDeps) {
  const now = (deps.clock ?? { now: Date.now }).now();
  const { sql, state } = deps.clients;
  const [db, ping, breakers, heartbeats, browserLeases, lastRuns, problems, incidents] = await Promise.all([
    probeDb(sql),
    safe(() => state.ping()),
    safe(() => state.listBreakers()),
    safe(() => state.readHeartbeats()),
    safe(() => state.countLeases(BROWSER_RESOURCE)),
    safe(() => lastRunPerJob(sql)),
    safe(() => postingProblems(sql, deps.config.XBOT_ACCOUNT_ID, new Date(now))),
    safe(() => incidentReport(sql, deps.config, new Date(now))),
  ]);
  // An account's view (Config.account): the shared breakers and its own x, under their names (keys.ts); the env's view: every breaker.
  const all = breakers.ok ? breakers.value : {};
  const records = deps.config.account ? breakersOfScope(all, accountScope(deps.config)) : all;
  const level = serviceLevel(records);
  const jobs = jobsHealth(deps, heartbeats.ok ? heartbeats.value : {}, now);
  const overdue = Object.values(jobs).some((j) => j.lastSuccessAt !== null && !j.healthy);
  const incidentsDegrade = incidents.ok && incidents.value.degraded;
  const status = !db.ok ? "down" : !ping.ok || level < 3 || overdue || incidentsDegrade ? "degraded" : "ok";
  const runs = lastRuns.ok ? lastRuns.value : {};
  const stateAlert = ping.ok ? [] : [`state store (${state.kind}) unreachable: posting and replies are paused (they fail closed)`];
  const refused = deps.config.XBOT_X_TRANSPORT === "browser" ? { ok: false as const } : await safe(() => state.readCounter(xApiKeys.refused(now)));
  if (refused.ok && refused.value > 0)
    stateAlert.push(
      `X API daily budget reached ($${deps.config.XBOT_X_API_DAILY_BUDGET_USD}, XBOT_X_API_DAILY_BUDGET_USD): ${refused.value} call(s) refused today; posting through the API resumes at 00:00 UTC`,
    );
  return {
    status,
    level,
    order: deps.catalog.order,
    alerts: [...stateAlert, ...alertsOf({ breakers: records, lastRuns: runs, jobs, ...(problems.ok ? { posting: problems.value } : {}) })],
    posting: problems.ok ? problems.value : null,
    incidents: incidents.ok ? incidents.value : null,
    probes: { db, state: ping.ok ? { ok: true } : { ok: false, error: ping.error } },
    /** Every breaker xbot has, also those never tripped (absent from `breakers`: closed). */
    breakerNames: Object.keys(BREAKER_POLICIES),
    breakers: Object.fromEntries(Object.entries(records).map(([name, r]) => [name, { ...r, phase: breakerPhase(r, now) }])),
    resources: { browser: { used: browserLeases.ok ? browserLeases.value : null, slots: deps.config.XBOT_BROWSER_SLOTS } },
    jobs,
    lastRuns: runs,
  } as const;
}

function jobsHealth(deps: RuntimeDeps, heartbeats: Record<string, Heartbeat>, now: number) {
  return Object.fromEntries(
    deps.catalog.jobs.map((job) => {
      const hb = heartbeats[job.name];
      const health = jobHealth(job, hb?.lastSuccessAt ?? null, now);
      return [job.name, { ...health, lastSuccessAt: hb?.lastSuccessAt ?? null, lastStatus: hb?.status ?? null, stale: hb !== undefined && !health.healthy }];
    }),
  );
}
