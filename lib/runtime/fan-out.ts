/**
 * A tick of a job (cron or Vercel Schedules, no `account`) becomes one run per ACTIVE account
 * when the `accounts` table has rows; with none, the caller runs the env's single account as
 * always (fanOutTick answers null). Paused accounts get no run.
 * - With QStash (QSTASH_TOKEN and the signing keys): ONE batch, one message per account to the
 *   job's own route, `{account}` in the signed body, deduplicationId = prefix, job, account and
 *   the schedule's slot, flow control per account for X jobs (fan-out-plan.ts). Each account's
 *   run is then its own invocation, with its own maxDuration.
 * - Without: the accounts run in turn in this function (fan-out-turns.ts) within its budget;
 *   the unreached get a `skipped: time budget` row, go first next tick, and the log says
 *   QStash is needed. Each run's delivery id is the same once-only id, so a duplicated tick
 *   runs an account at most once per slot either way.
 */
import { randomBytes } from "node:crypto";
import { listAccounts } from "../db/accounts.js";
import { insertRun, lastServed, TIME_BUDGET_REASON } from "../db/runs.js";
import { systemClock } from "../jobs/context.js";
import type { JobSpec, Trigger } from "../jobs/job.js";
import { resolveMode } from "../jobs/mode.js";
import { REVIEW_BUDGET_MS } from "./incidents.js";
import { QSTASH_FIX } from "./fan-out-notice.js";
import { fanOutId, fanOutMessages, tickSlot } from "./fan-out-plan.js";
import { publishFanOut, qstashConfigured, type PublishOutcome } from "./fan-out-publish.js";
import { runInTurn, type TurnOutcome } from "./fan-out-turns.js";
import { deadlineOf, runJob, type RunResult, type RuntimeDeps } from "./runner.js";

/** What a tick fanned out to. */
export type FanOutResult =
  | ({ readonly job: string; readonly fanOut: "qstash"; readonly tick: string; readonly accounts: number } & PublishOutcome & { readonly unreachable?: string })
  | ({ readonly job: string; readonly fanOut: "in_function"; readonly tick: string; readonly accounts: number } & TurnOutcome);

/** The tick of a job: what the route got. */
export interface Tick {
  readonly job: string;
  readonly trigger: Trigger;
  /** The URL the tick came in on: the destination's origin unless XBOT_PUBLIC_URL is set. */
  readonly requestUrl: string;
}

/** Fans a tick out; null when there are no account rows (the caller runs the env's single account). */
export async function fanOutTick(deps: RuntimeDeps, tick: Tick): Promise<FanOutResult | null> {
  const rows = await listAccounts(deps.clients.sql);
  if (rows.length === 0) return null;
  const job = deps.catalog.get(tick.job)!;
  const clock = deps.clock ?? systemClock;
  const startedAt = clock.now();
  const slot = tickSlot(job.schedule, startedAt);
  const accounts = rows.filter((r) => r.status === "active").map((r) => r.id);
  const base = { job: job.name, tick: slot.toISOString(), accounts: accounts.length };
  if (qstashConfigured(deps.config)) {
    const url = new URL(`/api/jobs/${job.name}`, deps.config.XBOT_PUBLIC_URL ?? tick.requestUrl).toString();
    const outcome = await publishFanOut(deps.config, fanOutMessages({ job, accounts, slot, url, config: deps.config }));
    deps.log.info("fan-out published", { job: job.name, tick: base.tick, published: outcome.published.length, deduplicated: outcome.deduplicated.length, refused: outcome.refused });
    if (outcome.unreachable) deps.log.error("fan-out: QStash unreachable", { job: job.name, tick: base.tick, error: outcome.unreachable });
    return { ...base, fanOut: "qstash", ...outcome };
  }
  const turns = await inTurn(deps, job, tick.trigger, accounts, { slot, startedAt });
  return { ...base, fanOut: "in_function", ...turns };
}

/** A tick fired in-process (the local scheduler): fanned out when account rows exist, else today's single run. */
export async function runTick(deps: RuntimeDeps, tick: Tick): Promise<RunResult | FanOutResult> {
  return (await fanOutTick(deps, tick)) ?? runJob(deps, { job: tick.job, trigger: tick.trigger });
}

/**
 * The budget of the in-function fan-out: the function's deadline (deadlineOf: maxDuration less
 * its margin), less a reserve for the last run's incident review and the skipped rows.
 */
export function turnDeadline(job: Pick<JobSpec, "maxDurationMs">, startedAt: number): number {
  const { deadlineAt, clear } = deadlineOf(job, startedAt);
  clear();
  return deadlineAt - Math.min(REVIEW_BUDGET_MS, Math.max(1_000, job.maxDurationMs * 0.1));
}

async function inTurn(deps: RuntimeDeps, job: JobSpec, trigger: Trigger, accounts: string[], at: { slot: Date; startedAt: number }): Promise<TurnOutcome> {
  const clock = deps.clock ?? systemClock;
  const served = await lastServed(deps.clients.sql, job.name, accounts);
  const outcome = await runInTurn({
    accounts: accounts.map((id) => ({ id, lastServedAt: served.get(id) ?? null })),
    runOne: (account, deadlineAt) => runJob(deps, { job: job.name, trigger, account, deliveryId: fanOutId(deps.config, job.name, account, at.slot), deadlineAt }),
    skip: (account) => recordUnreached(deps, job, trigger, account),
    now: () => clock.now(),
    deadlineAt: turnDeadline(job, at.startedAt),
  });
  if (outcome.unreached.length > 0)
    deps.log.warn(`fan-out: accounts not reached within the function's time budget (they go first next tick); ${QSTASH_FIX}`, { job: job.name, unreached: outcome.unreached, ran: outcome.ran.length });
  return outcome;
}

async function recordUnreached(deps: RuntimeDeps, job: JobSpec, trigger: Trigger, account: string): Promise<void> {
  const now = new Date((deps.clock ?? systemClock).now());
  await insertRun(deps.clients.sql, row(deps, job, trigger, account, now)).catch((error: unknown) =>
    deps.log.error("could not record an unreached account", { account, error: error instanceof Error ? error.message : String(error) }),
  );
}

function row(deps: RuntimeDeps, job: JobSpec, trigger: Trigger, account: string, now: Date): Parameters<typeof insertRun>[1] {
  return {
    id: `${job.name}_${now.getTime().toString(36)}_${randomBytes(5).toString("hex")}`,
    accountId: account,
    job: job.name,
    trigger,
    mode: resolveMode(deps.config, undefined, deps.xBaseUrl).mode,
    status: "skipped",
    reason: TIME_BUDGET_REASON,
    errorCode: null,
    summary: { skipped: TIME_BUDGET_REASON },
    artifactId: null,
    startedAt: now,
    endedAt: now,
  };
}
