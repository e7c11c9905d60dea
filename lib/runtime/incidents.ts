/**
 * Incidents: after every run, the problems the rules (incident-rules.ts) find are opened or
 * refreshed (one incident per dedupe key, however many runs see it), the open ones whose
 * condition cleared are resolved, and due alerts are pushed (alert-delivery.ts). The review
 * is bounded in time and never fails the run that triggered it.
 */
import { incidentFacts, lastDecidedRuns } from "../db/incident-facts.js";
import { dedupeKeyOf, raiseIncident, resolveCleared } from "../db/incidents.js";
import { toXbotError } from "../errors.js";
import { accountScope } from "../config.js";
import { breakersOfScope } from "../state/keys.js";
import { listAccounts } from "../db/accounts.js";
import { timeBudgetSkips } from "../db/runs.js";
import { sharedEgress } from "./egress-sharing.js";
import { qstashConfigured } from "./fan-out-publish.js";
import { ATTEMPT_LEASE_MS } from "../posting/protocol.js";
import { deliverAlerts, type DeliverySummary } from "./alert-delivery.js";
import { settleDbDown } from "./db-down.js";
import { jobHealth } from "../jobs/catalog.js";
import { judge, type IncidentSnapshot } from "./incident-rules.js";
import type { RuntimeDeps } from "./runner.js";

/** How long a review (rules and alert delivery) may take after a run. */
export const REVIEW_BUDGET_MS = 15_000;

/** What a review did. */
export interface ReviewSummary {
  readonly opened: readonly string[];
  readonly resolved: readonly string[];
  readonly open: number;
  readonly alerts: DeliverySummary;
}

/** Reads everything the rules judge. The state store may be down; the database may not. */
export async function incidentSnapshot(deps: RuntimeDeps, nowMs: number, latestRunId: string | null = null): Promise<IncidentSnapshot> {
  const { sql, state } = deps.clients;
  const account = deps.config.XBOT_ACCOUNT_ID;
  const [facts, lastRuns, stateRead] = await Promise.all([
    incidentFacts(sql, account, new Date(nowMs), new Date(nowMs - ATTEMPT_LEASE_MS)),
    lastDecidedRuns(sql, account, latestRunId),
    Promise.all([state.listBreakers(), state.readHeartbeats()]).then(
      (v) => ({ ok: true as const, v }),
      (error: unknown) => ({ ok: false as const, error: toXbotError(error).message }),
    ),
  ]);
  if (!stateRead.ok) return { now: nowMs, facts, lastRuns, state: null, stateError: { kind: state.kind, message: stateRead.error }, ...(await accountFacts(deps, nowMs)) };
  const [allBreakers, heartbeats] = stateRead.v;
  // The account's view: the shared breakers and its own x breaker, under their dependency names (keys.ts).
  const breakers = breakersOfScope(allBreakers, accountScope(deps.config));
  // Stale: it succeeded once and not within its interval since (a job that never succeeded shows in its own failures).
  const staleJobs = deps.catalog.jobs
    .filter((job) => {
      const last = heartbeats[job.name]?.lastSuccessAt ?? null;
      return last !== null && !jobHealth(job, last, nowMs).healthy;
    })
    .map((job) => job.name);
  return { now: nowMs, facts, lastRuns, state: { breakers, staleJobs }, stateError: null, ...(await accountFacts(deps, nowMs)) };
}

/** For an account of the accounts table: its id, the egresses it shares and its fan-out skips of the last day (read failures leave them out). */
async function accountFacts(deps: RuntimeDeps, nowMs: number): Promise<Pick<IncidentSnapshot, "account" | "egressShared" | "fanOutSkips">> {
  const account = deps.config.account;
  if (!account) return {};
  // With QStash every account's run is its own invocation: nothing is skipped for the time budget, so no read (and an open fan_out_unreached resolves).
  const noSkips: Record<string, number> = {};
  const skipsRead = qstashConfigured(deps.config) ? Promise.resolve(noSkips) : timeBudgetSkips(deps.clients.sql, new Date(nowMs - 86_400_000)).catch(() => noSkips);
  const [rows, skips] = await Promise.all([listAccounts(deps.clients.sql).catch(() => []), skipsRead]);
  const egressShared = sharedEgress(deps.config, rows).filter((g) => g.accounts.includes(account.id));
  return { ...(account.scope ? { account: account.scope } : {}), egressShared, fanOutSkips: skips[account.id] ?? 0 };
}

/** Opens, refreshes and resolves incidents, then pushes due alerts. Throws on a database failure. */
export async function reviewIncidents(deps: RuntimeDeps, source: { runId?: string } = {}): Promise<ReviewSummary> {
  const nowMs = (deps.clock ?? { now: Date.now }).now();
  const now = new Date(nowMs);
  await settleDbDown(deps, now);
  const { kinds, found } = judge(await incidentSnapshot(deps, nowMs, source.runId ?? null));
  const opened: string[] = [];
  for (const input of found) {
    if (await raiseIncident(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, { ...input, sourceRun: input.sourceRun ?? source.runId ?? null }, now)) opened.push(dedupeKeyOf(input));
  }
  const resolved = await resolveCleared(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, kinds, found.map(dedupeKeyOf), now);
  if (opened.length > 0 || resolved.length > 0) deps.log.info("incidents changed", { opened, resolved });
  const alerts = await deliverAlerts({ config: deps.config, sql: deps.clients.sql, log: deps.log }, nowMs, Date.now() + REVIEW_BUDGET_MS - 1_000);
  return { opened, resolved, open: found.length, alerts };
}

/** {@link reviewIncidents} after a run: bounded, logged, never throws. */
export async function reviewAfterRun(deps: RuntimeDeps, runId: string): Promise<ReviewSummary | null> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), REVIEW_BUDGET_MS);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([reviewIncidents(deps, { runId }), budget]);
    if (outcome === null) deps.log.warn("incidents: review did not finish in time; the next run repeats it", { runId });
    return outcome;
  } catch (error) {
    deps.log.warn("incidents: review failed; the next run repeats it", { runId, error: toXbotError(error).toJSON() });
    return null;
  } finally {
    clearTimeout(timer);
  }
}
