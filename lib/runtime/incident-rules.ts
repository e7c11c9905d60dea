/**
 * The incident rules: which problems exist now, judged from one snapshot. Pure. Each rule
 * owns one kind and sees the whole snapshot; a rule whose inputs could not be read (the state
 * store down) is not evaluated, so its open incidents stay open rather than resolve blindly.
 * The fix texts are the runbook of docs/operations.md.
 */
import type { IncidentFacts } from "../db/incident-facts.js";
import type { IncidentInput } from "../db/incidents.js";
import type { JobRun } from "../db/runs.js";
import type { BreakerRecord } from "../state/breaker.js";
import { PER_ACCOUNT_BREAKERS } from "../state/keys.js";
import { QSTASH_FIX, REGULAR_SKIPS } from "./fan-out-notice.js";

/** Hours due items may wait with nothing posted before `nothing_posted` opens. */
export const NOTHING_POSTED_HOURS = 3;

/** What the rules judge. `state` is null when the state store did not answer. */
export interface IncidentSnapshot {
  readonly now: number;
  readonly facts: IncidentFacts;
  readonly lastRuns: Readonly<Record<string, JobRun>>;
  readonly state: { readonly breakers: Readonly<Record<string, BreakerRecord>>; readonly staleJobs: readonly string[] } | null;
  readonly stateError: { readonly kind: string; readonly message: string } | null;
  /** The account judged, when it is one of the accounts table's (absent: the env's single account). */
  readonly account?: string;
  /** The egresses this account shares with others (egress-sharing.ts); absent for the env's single account. */
  readonly egressShared?: readonly { readonly egress: string; readonly accounts: readonly string[] }[];
  /** This account's ticks skipped by the in-function fan-out's time budget in the last 24 h (fan-out-turns.ts); absent for the env's single account. */
  readonly fanOutSkips?: number;
}

/** A snapshot whose state store answered: what a rule that needs the state sees. */
interface StatefulSnapshot extends IncidentSnapshot {
  readonly state: NonNullable<IncidentSnapshot["state"]>;
}

type Rule =
  | { readonly kind: string; readonly needsState: false; find(s: IncidentSnapshot): IncidentInput[] }
  | { readonly kind: string; readonly needsState: true; find(s: StatefulSnapshot): IncidentInput[] };

const SESSION_CODES = new Set(["session_missing", "session_expired", "x_login_wall"]);
const IMPORT = 'import a fresh session: npx xbot session import <storageState.json> (see docs/operations.md, "Session")';

function failedRuns(s: IncidentSnapshot, codes: ReadonlySet<string>): JobRun[] {
  return Object.values(s.lastRuns).filter((r) => r.status === "failed" && r.errorCode !== null && codes.has(r.errorCode));
}

/** " of account <id>" for a per-account breaker of a data account (lib/state/keys.ts), else "". */
function ofAccount(s: IncidentSnapshot, breaker: string): string {
  return s.account && PER_ACCOUNT_BREAKERS.has(breaker) ? ` of account ${s.account}` : "";
}

const RULES: readonly Rule[] = [
  {
    kind: "session",
    needsState: false,
    find: (s) =>
      failedRuns(s, SESSION_CODES)
        .slice(0, 1)
        .map((r) => ({
          kind: "session",
          subject: "x",
          severity: "error",
          sourceRun: r.id,
          message: r.errorCode === "session_missing" ? "no X session: the bot cannot act on X" : `the X session is expired or logged out (${r.errorCode} in ${r.job})`,
          fix: s.account ? IMPORT.replace("session import <storageState.json>", `session import <storageState.json> --account ${s.account}`) : IMPORT,
        })),
  },
  {
    kind: "browser_launch",
    needsState: false,
    find: (s) =>
      failedRuns(s, new Set(["browser_launch"])).map((r) => ({
        kind: "browser_launch",
        subject: r.job,
        severity: "error",
        sourceRun: r.id,
        message: `the browser could not launch for ${r.job}`,
        fix: "run npx xbot doctor; set CHROMIUM_PATH to a working Chromium, or BROWSER_WS_ENDPOINT to a remote browser; the bundled one needs ~200 MB in the temp dir",
      })),
  },
  {
    kind: "breaker_open",
    needsState: true,
    find: (s) =>
      Object.entries(s.state.breakers).flatMap(([name, b]) =>
        b.state !== "open"
          ? []
          : [
              {
                kind: "breaker_open",
                subject: name,
                severity: name === "llm" ? "warn" : "error",
                message: `breaker ${name}${ofAccount(s, name)} is open after ${b.failures} failure(s); next try at ${new Date(b.retryAtMs).toISOString()}`,
                fix:
                  name === "x"
                    ? `wait for the cool-down; if it was a 226, a challenge or a login wall, act on X first (solve it in a browser, import a new session${s.account ? ` with --account ${s.account}` : ""}), then npx xbot breaker reset x${s.account ? ` --account ${s.account}` : ""}`
                    : `wait for the cool-down (heal retries it), or fix ${name} and npx xbot breaker reset ${name}`,
              } as IncidentInput,
            ],
      ),
  },
  {
    kind: "breaker_isolated",
    needsState: true,
    find: (s) =>
      Object.entries(s.state.breakers).flatMap(([name, b]) =>
        b.state !== "isolated"
          ? []
          : [
              {
                kind: "breaker_isolated",
                subject: name,
                severity: "error",
                message: `breaker ${name}${ofAccount(s, name)} is isolated by hand: everything that needs ${name} is paused`,
                fix: `npx xbot breaker reset ${name} when ready`,
              } as IncidentInput,
            ],
      ),
  },
  {
    kind: "stuck_posting",
    needsState: false,
    find: (s) =>
      s.facts.stuckClaims.map((i) => ({
        kind: "stuck_posting",
        subject: i.id,
        severity: "error",
        sourceItem: i.id,
        message: `item ${i.id} is claimed (posting) past the attempt lease with no attempt`,
        fix: "heal puts it back in the queue on its next run; if it recurs, look at the post job's last run (npx xbot status, or the dashboard's job timeline)",
      })),
  },
  { kind: "attempt_stuck", needsState: false, find: attemptStuck },
  {
    kind: "egress_shared",
    needsState: false,
    find: (s) =>
      (s.egressShared ?? []).map((g) => ({
        kind: "egress_shared",
        subject: g.egress,
        severity: "warn",
        message: `accounts ${g.accounts.join(", ")} share one egress (${g.egress}): X links accounts by IP and device`,
        fix: "give each account its own proxy or remote browser: npx xbot account edit <id> --proxy URL (or --browser-endpoint URL)",
      })),
  },
  {
    kind: "fan_out_unreached",
    needsState: false,
    find: (s) =>
      (s.fanOutSkips ?? 0) >= REGULAR_SKIPS
        ? [
            {
              kind: "fan_out_unreached",
              subject: "fan-out",
              severity: "warn",
              message: `account ${s.account ?? "?"} was not reached by the fan-out within a function's time budget on ${s.fanOutSkips} ticks in the last 24 h: its jobs ran late or not at all`,
              fix: QSTASH_FIX,
            },
          ]
        : [],
  },
  {
    kind: "partial_thread",
    needsState: false,
    find: (s) =>
      s.facts.partialThreads.map((i) => ({
        kind: "partial_thread",
        subject: i.id,
        severity: "warn",
        sourceItem: i.id,
        message: `thread ${i.id} is partial on X: later tweets are missing`,
        fix: `the post job finishes it; to give up: npx xbot queue cancel ${i.id}`,
      })),
  },
  {
    kind: "post_failed",
    needsState: false,
    find: (s) =>
      s.facts.failedItems.map((i) => ({
        kind: "post_failed",
        subject: i.id,
        severity: "error",
        sourceItem: i.id,
        message: `item ${i.id} failed for good: ${i.reason ?? "no reason recorded"}`,
        fix: "read the reason; edit and re-queue the content (npx xbot queue add), or ignore it (clears after a day)",
      })),
  },
  {
    kind: "ghost_found",
    needsState: false,
    find: (s) =>
      s.facts.recentGhosts === 0
        ? []
        : [
            {
              kind: "ghost_found",
              subject: "x",
              severity: "warn",
              message: `${s.facts.recentGhosts} post(s) on X that xbot did not make or record (ghosts) in the last day`,
              fix: "check the account on x.com: someone else posts with it, or a receipt was lost (reconcile recorded them)",
            },
          ],
  },
  { kind: "nothing_posted", needsState: false, find: nothingPosted },
  { kind: "queue", needsState: false, find: queueLow },
  { kind: "llm", needsState: false, find: llmTrouble },
  {
    kind: "job_stale",
    needsState: true,
    find: (s) =>
      s.state.staleJobs.map((job) => ({
        kind: "job_stale",
        subject: job,
        severity: "warn",
        message: `${job} has not succeeded within its allowed interval (heartbeat stale)`,
        fix: `look at its last run (npx xbot status, or the dashboard's job timeline) and the cron set-up`,
      })),
  },
  {
    kind: "state_down",
    needsState: false,
    find: (s) =>
      !s.stateError
        ? []
        : [
            {
              kind: "state_down",
              subject: s.stateError.kind,
              severity: "error",
              message: `state store (${s.stateError.kind}) unreachable: posting and replies are paused (they fail closed): ${s.stateError.message}`,
              fix: "check the Redis (UPSTASH_REDIS_REST_URL/TOKEN) or Postgres state store; xbot resumes by itself when it answers",
            },
          ],
  },
];

function attemptStuck(s: IncidentSnapshot): IncidentInput[] {
  if (s.facts.attemptsPastLease === 0) return [];
  const breakers = s.state?.breakers;
  const breaker = breakers ? ["x", "browser"].find((b) => (breakers[b]?.state ?? "closed") !== "closed") : undefined;
  const reconcile = s.lastRuns.reconcile;
  const why =
    s.state === null
      ? "the state store is down"
      : breaker
        ? `breaker ${breaker} is not closed`
        : reconcile && reconcile.status !== "ok"
          ? `reconcile's last run ${reconcile.status} (${reconcile.errorCode ?? reconcile.reason ?? "no reason"})`
          : null;
  if (!why) return [];
  return [
    {
      kind: "attempt_stuck",
      subject: "attempts",
      severity: "error",
      message: `${s.facts.attemptsPastLease} post attempt(s) are open past their lease and reconcile cannot run: ${why}`,
      fix: "clear the cause above; reconcile then resolves them against X (never post them by hand)",
    },
  ];
}

function nothingPosted(s: IncidentSnapshot): IncidentInput[] {
  const limit = s.now - NOTHING_POSTED_HOURS * 3_600_000;
  const due = s.facts.oldestDueAt;
  if (!due || due.getTime() > limit || (s.facts.lastPostAt && s.facts.lastPostAt.getTime() > limit)) return [];
  return [
    {
      kind: "nothing_posted",
      subject: "queue",
      severity: "error",
      message: `nothing posted for ${NOTHING_POSTED_HOURS}+ hours while items were due (oldest due ${due.toISOString()})`,
      fix: "see the other open incidents and the post job's last runs (npx xbot status, or the dashboard's job timeline)",
    },
  ];
}

function queueLow(s: IncidentSnapshot): IncidentInput[] {
  const summary = s.lastRuns.plan?.status === "ok" ? s.lastRuns.plan.summary : undefined;
  if (!summary || typeof summary.target !== "number") return [];
  const pending = Number(summary.pendingBefore ?? 0) + Number(summary.planned ?? 0);
  const fix = "add evergreen posts (content/), configure an LLM (XBOT_LLM_API_KEY), or queue posts (npx xbot queue add)";
  if (s.facts.queued === 0 && pending === 0) return [{ kind: "queue", subject: "empty", severity: "warn", message: "the queue is empty: plan found nothing to schedule", fix }];
  if (summary.exhausted === true)
    return [{ kind: "queue", subject: "under_target", severity: "warn", message: `the queue is under target (${pending} of ${summary.target}): plan found no more candidates`, fix }];
  return [];
}

function llmTrouble(s: IncidentSnapshot): IncidentInput[] {
  const plan = s.lastRuns.plan;
  const degraded = plan?.summary?.degraded;
  if (!plan || typeof degraded !== "string" || degraded === "llm not configured") return [];
  const budget = /budget/i.test(degraded);
  return [
    {
      kind: "llm",
      subject: budget ? "budget" : "failing",
      severity: "warn",
      sourceRun: plan.id,
      message: `plan used the evergreen library: ${degraded}`,
      fix: budget ? "raise XBOT_LLM_DAILY_BUDGET_USD or wait for tomorrow's budget" : "check XBOT_LLM_BASE_URL, XBOT_LLM_API_KEY and XBOT_LLM_MODEL (npx xbot doctor)",
    },
  ];
}

/** Applies every rule: the kinds judged and the problems found. */
export function judge(s: IncidentSnapshot): { kinds: string[]; found: IncidentInput[] } {
  const judged = RULES.flatMap((rule) => {
    const found = evaluate(rule, s);
    return found ? [{ kind: rule.kind, found }] : [];
  });
  return { kinds: judged.map((j) => j.kind), found: judged.flatMap((j) => j.found) };
}

/** What `rule` finds in `s`; null (not judged) when it needs the state and the state store did not answer. */
function evaluate(rule: Rule, s: IncidentSnapshot): IncidentInput[] | null {
  if (!rule.needsState) return rule.find(s);
  return s.state ? rule.find({ ...s, state: s.state }) : null;
}
