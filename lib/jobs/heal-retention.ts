/**
 * heal's retention step: rolls up the dashboard's old days and deletes rows past retention
 * (XBOT_RETENTION_DAYS, XBOT_ARTIFACT_RETENTION_DAYS) in bounded batches (lib/db/retention.ts).
 * A backlog (e.g. the first run on years of history) is worked off over successive heal runs.
 */
import { applyRetention, type RetentionResult } from "../db/retention.js";
import type { JobContext } from "./context.js";

/** Rows per delete statement. */
export const RETENTION_BATCH = 5_000;
/** Requests per heal run at most (each carries one batch of every table). */
export const RETENTION_ROUNDS = 4;

/** Applies retention for the account at the job's clock. */
export async function retentionStep(ctx: JobContext): Promise<RetentionResult> {
  const result = await applyRetention(
    ctx.db,
    ctx.config.XBOT_ACCOUNT_ID,
    new Date(ctx.clock.now()),
    {
      days: ctx.config.XBOT_RETENTION_DAYS,
      artifactDays: ctx.config.XBOT_ARTIFACT_RETENTION_DAYS,
      batch: RETENTION_BATCH,
      rounds: RETENTION_ROUNDS,
    },
    () => ctx.signal.aborted,
  );
  if (result.more) ctx.log.info("retention backlog: the next heal run continues", { deleted: result.deleted });
  return result;
}
