/**
 * The runner: resolve mode -> admit -> run -> settle -> record. Authentication happens
 * before it (http.ts). Admission and settlement are one state round trip each; recording
 * is one job_runs row. A refusal is a `skipped` run with an explicit reason.
 */
import { randomBytes } from "node:crypto";
import { accountScope, type Config } from "../config.js";
import { XbotError, toXbotError } from "../errors.js";
import { insertRun, type RunStatus } from "../db/runs.js";
import type { Logger } from "../log.js";
import type { AdmitDecision } from "../state/store.js";
import { admitRequest, refusalReason, settleRequest } from "./admission.js";
import type { Clients } from "./clients.js";
import { createContext, systemClock, type BrowserOpener, type BrowserOpenerFactory, type Clock, type FaultHook } from "../jobs/context.js";
import type { JobCatalog } from "../jobs/catalog.js";
import { executeWithDeadline } from "./execute.js";
import type { JobDefinition, JobSummary, Mode, Trigger } from "../jobs/job.js";
import { resolveMode } from "../jobs/mode.js";
import { REVIEW_BUDGET_MS, reviewAfterRun } from "./incidents.js";
import { noteDbDown } from "./db-down.js";
import { keepRunLeased, runLeaseTarget } from "./run-lease.js";
import { scopeToAccount } from "./account-scope.js";

/** What the runner is built from (the composition root makes one per invocation). */
export interface RuntimeDeps {
  readonly config: Config;
  readonly catalog: JobCatalog;
  readonly clients: Clients;
  readonly log: Logger;
  readonly clock?: Clock;
  readonly openBrowser?: BrowserOpener;
  /** Builds the opener from a config: an account's run gets one for its own session and egress (account-scope.ts). */
  readonly browserFactory?: BrowserOpenerFactory;
  /** Test-only fault hooks (see FaultHook). */
  readonly faults?: FaultHook;
  /** Where the X adapter points (mode resolution keeps previews off the real X). */
  readonly xBaseUrl?: string;
}

/** One request to run a job. */
export interface Invocation {
  readonly job: string;
  readonly trigger: Trigger;
  readonly mode?: Mode;
  readonly params?: Record<string, unknown>;
  /** Delivery id for de-duplication (QStash message id, Schedules execution id). */
  readonly deliveryId?: string;
  /** Skip the job lock. Tests of the claim protocol only. */
  readonly skipLock?: boolean;
  /**
   * The account this ONE run is for (an `accounts` row id): its settings are laid over the env
   * Config and XBOT_ACCOUNT_ID is the id (account-scope.ts). Absent: the env's single account.
   */
  readonly account?: string;
  /** A cap on the run's deadline (ms since the epoch): the in-function fan-out's own budget (fan-out-turns.ts). */
  readonly deadlineAt?: number;
}

/** The outcome, as the HTTP response and job_runs row carry it. */
export interface RunResult {
  readonly job: string;
  readonly runId: string;
  readonly status: RunStatus;
  readonly mode: Mode;
  readonly reason?: string;
  readonly errorCode?: string;
  readonly retryable?: boolean;
  readonly durationMs: number;
  readonly summary?: JobSummary;
}

/**
 * Runs one invocation of a job, then reviews incidents (lib/runtime/incidents.ts: bounded,
 * never fails the run). Throws only `not_found` for a job this runtime cannot run.
 */
export async function runJob(unscoped: RuntimeDeps, invocation: Invocation): Promise<RunResult> {
  const { deps, paused } = await scopeToAccount(unscoped, invocation.account);
  const result = await runOnce(deps, invocation, paused);
  // The review reads and writes the database: not while it is known to be down (the db breaker is open, or the run failed on it).
  if (result.reason !== "breaker_open:db" && result.errorCode !== "db_unavailable") await reviewAfterRun(deps, result.runId);
  else await boundedNote(deps, result);
  return result;
}

/** Records the database outage in the state store (db-down.ts), within the review's budget. */
async function boundedNote(deps: RuntimeDeps, result: RunResult): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, REVIEW_BUDGET_MS);
    timer.unref();
  });
  await Promise.race([noteDbDown(deps, result.runId, result.errorCode ?? result.reason ?? "db_unavailable"), budget]).finally(() => clearTimeout(timer));
}

async function runOnce(deps: RuntimeDeps, invocation: Invocation, paused = false): Promise<RunResult> {
  const job = deps.catalog.runnable(invocation.job);
  if (!job)
    throw new XbotError("not_found", deps.catalog.get(invocation.job) ? `job "${invocation.job}" does not run in this function (see /api/jobs/${invocation.job})` : `unknown job "${invocation.job}"`);
  const clock = deps.clock ?? systemClock;
  const runId = `${job.name}_${clock.now().toString(36)}_${randomBytes(5).toString("hex")}`;
  const startedAt = clock.now();
  const log = deps.log.child({ runId, job: job.name });
  const { mode, forced } = resolveMode(deps.config, invocation.mode, deps.xBaseUrl);
  if (forced) log.info("mode forced", { mode, why: forced });
  const run = { deps, job, runId, startedAt, log, mode, invocation, clock };
  if (paused) return record(run, { status: "skipped", reason: "account_paused" });
  const admitted = await admit(run);
  if (!admitted.success) return record(run, { status: "skipped", reason: admitted.reason });
  const { clear, ...deadline } = deadlineOf(job, startedAt, invocation.deadlineAt);
  const owned = createContext({
    runId,
    job: job.name,
    trigger: invocation.trigger,
    mode,
    config: deps.config,
    db: deps.clients.sql,
    state: deps.clients.state,
    log,
    clock,
    catalog: deps.catalog,
    params: invocation.params ?? {},
    openBrowser: deps.openBrowser,
    faults: deps.faults,
    ...deadline,
  });
  const stopLease = admitted.stateDown ? async () => undefined : keepRunLeased(deps.clients.state, runLeaseTarget(job, deps, runId, invocation.skipLock === true), log);
  const outcome = await executeWithDeadline(job, owned).finally(clear);
  await stopLease();
  if (!admitted.stateDown) await settle(run, admitted.trials, outcome.error);
  // A spent budget (the daily visits to X) is a refusal, like admission's: skipped, with the reason.
  if (outcome.error?.code === "budget_exhausted") return record(run, { status: "skipped", reason: outcome.error.message, summary: { skipped: outcome.error.message, ...outcome.error.details } });
  if (outcome.error) return record(run, { status: "failed", error: outcome.error, summary: { error: outcome.error.message, ...outcome.error.details } });
  return record(run, { status: "ok", summary: outcome.summary });
}

type Run = { deps: RuntimeDeps; job: JobDefinition; runId: string; startedAt: number; log: Logger; mode: Mode; invocation: Invocation; clock: Clock };
type Admitted = { success: true; trials: readonly string[]; stateDown: boolean } | { success: false; reason: string };

/**
 * The run's deadline: a safety margin before maxDuration (10%, between 1 s and 15 s), or `cap` if sooner.
 * The timer is a normal (ref'd) one, so a hung body cannot let the process drain before
 * the deadline fires; `clear` is called when the run ends.
 */
export function deadlineOf(job: Pick<JobDefinition, "maxDurationMs">, startedAt: number, cap?: number): { deadlineAt: number; signal: AbortSignal; clear: () => void } {
  const margin = Math.min(15_000, Math.max(1_000, job.maxDurationMs * 0.1));
  const deadlineAt = Math.min(startedAt + Math.max(job.maxDurationMs - margin, job.maxDurationMs / 2), cap ?? Number.POSITIVE_INFINITY);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error("deadline")), Math.max(0, deadlineAt - startedAt));
  return { deadlineAt, signal: controller.signal, clear: () => clearTimeout(timer) };
}

async function admit(run: Run): Promise<Admitted> {
  const { deps, job, invocation } = run;
  let decision: AdmitDecision;
  try {
    const request = admitRequest(job, deps.catalog, deps.config, { runId: run.runId, nowMs: run.clock.now(), deliveryId: invocation.deliveryId, skipLock: invocation.skipLock });
    decision = await deps.clients.state.admit(request);
  } catch (error) {
    const e = toXbotError(error);
    run.log.error("admission failed: state store unreachable", { error: e.toJSON(), policy: job.whenStateDown ?? "skip" });
    return job.whenStateDown === "run" ? { success: true, trials: [], stateDown: true } : { success: false, reason: `state_unavailable` };
  }
  if (!decision.success) return { success: false, reason: refusalReason(decision) };
  if (decision.trials.length > 0) run.log.info("holding half-open trial", { trials: decision.trials });
  return { success: true, trials: decision.trials, stateDown: false };
}

async function settle(run: Run, trials: readonly string[], error: XbotError | null): Promise<void> {
  const request = settleRequest(run.job, { runId: run.runId, nowMs: run.clock.now(), trials, error, heldLock: !run.invocation.skipLock, scope: accountScope(run.deps.config) });
  try {
    await run.deps.clients.state.settle(request);
  } catch (e) {
    run.log.error("settle failed: lock and leases expire by TTL", { error: toXbotError(e).toJSON() });
  }
}

async function record(run: Run, end: { status: RunStatus; reason?: string; error?: XbotError; summary?: JobSummary }): Promise<RunResult> {
  const endedAt = run.clock.now();
  const result: RunResult = {
    job: run.job.name,
    runId: run.runId,
    status: end.status,
    mode: run.mode,
    durationMs: endedAt - run.startedAt,
    ...(end.reason ? { reason: end.reason } : {}),
    ...(end.error ? { errorCode: end.error.code, retryable: end.error.retryable } : {}),
    ...(end.summary ? { summary: end.summary } : {}),
  };
  const artifact = end.error?.details?.artifact;
  try {
    await insertRun(run.deps.clients.sql, {
      id: run.runId,
      accountId: run.deps.config.XBOT_ACCOUNT_ID,
      job: run.job.name,
      trigger: run.invocation.trigger,
      mode: run.mode,
      status: end.status,
      reason: end.reason ?? null,
      errorCode: end.error?.code ?? null,
      summary: end.summary ?? {},
      artifactId: typeof artifact === "string" ? artifact : null,
      startedAt: new Date(run.startedAt),
      endedAt: new Date(endedAt),
    });
  } catch (e) {
    run.log.error("could not record job run", { error: toXbotError(e).toJSON() });
  }
  run.log.info("run finished", { status: end.status, reason: end.reason, errorCode: end.error?.code, durationMs: result.durationMs });
  return result;
}
