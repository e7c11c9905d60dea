/**
 * Runs a job body inside its deadline, with the job's retry policy, and always disposes
 * the context (closing the browser) before returning. Never throws.
 */
import { XbotError, toXbotError } from "../errors.js";
import { retry } from "../resilience/retry.js";
import type { OwnedContext } from "../jobs/context.js";
import type { JobDefinition, JobSummary } from "../jobs/job.js";

/** What a body produced. */
export type Outcome = { error: null; summary: JobSummary } | { error: XbotError; summary?: undefined };

/** Executes `job.run` until it settles or the context's signal fires. */
export async function executeWithDeadline(job: JobDefinition, owned: OwnedContext): Promise<Outcome> {
  const { ctx } = owned;
  const policy = job.retry;
  const body = policy ? () => retry(() => job.run(ctx), { ...policy, deadlineAt: ctx.deadlineAt, signal: ctx.signal, now: () => Date.now() }) : () => job.run(ctx);
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    onAbort = () => reject(new XbotError("deadline", `job ${job.name} passed its deadline (maxDuration ${job.maxDurationMs} ms minus margin)`));
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const summary = await Promise.race([body(), deadline]);
    return { error: null, summary: summary ?? {} };
  } catch (error) {
    return { error: toXbotError(error) };
  } finally {
    if (onAbort) ctx.signal.removeEventListener("abort", onAbort);
    await owned.dispose();
  }
}
