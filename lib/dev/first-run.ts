/**
 * The first local start: when the database has never held any content, run plan and then
 * post once, right away, instead of waiting for their cron minutes. plan makes its first
 * item due immediately on an empty database, so a new user sees the first post on the
 * sandbox within a minute of `npm start`, whatever the hour.
 */
import { contentItemCount } from "../db/queue.js";
import type { RuntimeDeps } from "../runtime/runner.js";
import { runJob } from "../runtime/runner.js";

/** Runs plan then post when the account has no content yet; returns what ran. */
export async function firstRun(deps: RuntimeDeps): Promise<string[]> {
  if ((await contentItemCount(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID)) > 0) return [];
  const log = deps.log.child({ component: "first-run" });
  const ran: string[] = [];
  for (const job of ["plan", "post"]) {
    if (!deps.catalog.runnable(job)) continue;
    const result = await runJob(deps, { job, trigger: "local" });
    log.info("first run", { job, status: result.status, reason: result.reason, errorCode: result.errorCode, summary: result.summary });
    ran.push(`${job}:${result.status}`);
  }
  return ran;
}
