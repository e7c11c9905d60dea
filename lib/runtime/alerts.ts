/**
 * Plain-language alerts for health and the dashboard: what is wrong and what to do,
 * derived from breakers, the last run of each job and job health. docs/operations.md has
 * the runbook behind each one.
 */
import type { PostingProblems } from "../db/posts.js";
import type { JobRun } from "../db/runs.js";
import type { BreakerRecord } from "../state/breaker.js";

const X_CODES: Record<string, string> = {
  session_expired: "session expired: import a new one (npx xbot session import <storageState.json>)",
  session_missing: "no X session: import one (npx xbot session import <storageState.json>)",
  x_login_wall: "session expired: import a new one (npx xbot session import <storageState.json>)",
  x_automated: "X flagged automation (error 226): actions paused while the x breaker cools down",
  x_rate_limited: "X rate limit (429): actions paused while the x breaker cools down",
  x_unavailable: 'X keeps answering "Something went wrong. Try reloading." (throttled reads): reads paused while the x breaker cools down; open attempts stay open until a good read',
  x_account_suspended: "the X account is suspended: xbot stops acting; appeal at help.x.com, then reset the x breaker",
  x_account_restricted: "the X account is temporarily restricted or locked: log in from a browser to unlock it, then reset the x breaker",
  x_challenge: "X shows a challenge wall: solve it in a browser from the same egress, or use a residential proxy or remote browser",
};

/** Alerts for the current state. */
export function alertsOf(input: {
  breakers: Record<string, BreakerRecord>;
  lastRuns: Record<string, JobRun>;
  jobs: Record<string, { stale: boolean; ageMs: number | null; maxAgeMs: number }>;
  posting?: PostingProblems;
}): string[] {
  const alerts = new Set<string>();
  for (const line of postingAlerts(input.posting, input.lastRuns.reconcile)) alerts.add(line);
  for (const run of Object.values(input.lastRuns)) {
    const xAlert = run.status === "failed" && run.errorCode ? X_CODES[run.errorCode] : undefined;
    if (xAlert) alerts.add(xAlert);
    const degraded = run.summary?.degraded;
    if (typeof degraded === "string") alerts.add(`${run.job}: ${degraded}`);
  }
  for (const [name, record] of Object.entries(input.breakers)) {
    if (record.state === "isolated") alerts.add(`breaker ${name} is isolated by hand: npx xbot breaker reset ${name}`);
    else if (record.state === "open") alerts.add(`breaker ${name} is open until ${new Date(record.retryAtMs).toISOString()} (${record.failures} failures)`);
  }
  for (const [job, health] of Object.entries(input.jobs)) {
    if (health.stale && health.ageMs !== null) alerts.add(`${job} has not succeeded for ${Math.round(health.ageMs / 60_000)} min (allowed ${Math.round(health.maxAgeMs / 60_000)} min)`);
  }
  return [...alerts];
}

/** Partial threads, vanished posts and attempts reconcile could not conclude, in plain language. */
function postingAlerts(posting: PostingProblems | undefined, reconcile: JobRun | undefined): string[] {
  const out: string[] = [];
  if (posting && posting.partialThreads > 0) out.push(`${posting.partialThreads} thread(s) are partial on X (later tweets missing): the post job finishes them; npx xbot queue list --status partial`);
  if (posting && posting.vanishedPosts > 0) out.push(`${posting.vanishedPosts} post(s) that X accepted are not on X (vanished): check the account on x.com for removals or a shadow-ban`);
  const inconclusive = reconcile?.summary?.inconclusive;
  if (Array.isArray(inconclusive) && inconclusive.length > 0) {
    const why = (inconclusive[0] as { why?: unknown } | undefined)?.why;
    out.push(`reconcile left ${inconclusive.length} post attempt(s) open: ${typeof why === "string" ? why : "no read could prove where they are"}`);
  } else if (posting && posting.attemptsPastLease > 0 && reconcile?.status === "failed") {
    out.push(`${posting.attemptsPastLease} post attempt(s) wait for reconcile, whose last run failed (${reconcile.errorCode ?? "error"})`);
  }
  return out;
}
