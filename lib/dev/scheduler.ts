/**
 * The local cron: fires each job on its own schedule (the string vercel.json carries, UTC)
 * by calling the runner in-process with trigger "local". A firing that finds the previous
 * run of the same job still going is skipped here (croner `protect`), and the runner's job
 * lock would refuse it anyway. Runs in flight are tracked so shutdown can wait for them.
 */
import { Cron } from "croner";
import type { JobSpec } from "../jobs/job.js";
import type { RunResult } from "../runtime/runner.js";
import type { FanOutResult } from "../runtime/fan-out.js";
import type { Logger } from "../log.js";

/** Options of {@link startScheduler}. */
export interface SchedulerOptions {
  readonly jobs: readonly JobSpec[];
  /** Runs one job's tick (the local server passes runTick with trigger "local": one run, or a fan-out over the accounts). */
  readonly run: (job: string) => Promise<RunResult | FanOutResult>;
  readonly log: Logger;
}

/** A running scheduler. */
export interface Scheduler {
  /** Each job with its schedule and next firing. */
  entries(): { job: string; schedule: string; next: Date | null }[];
  /** Stops firing (runs in flight go on). */
  stop(): void;
  /** Resolves when every run started by the scheduler has finished, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Runs started and not yet finished. */
  inFlight(): number;
}

/** Starts one UTC cron per job. */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  const crons = options.jobs.map((job) => {
    const fire = async () => {
      if (stopped) return;
      const log = options.log.child({ job: job.name, trigger: "local" });
      const run = options.run(job.name).then(
        (result) =>
          "fanOut" in result
            ? log.info("scheduled tick fanned out", { fanOut: result.fanOut, tick: result.tick, accounts: result.accounts })
            : log.info("scheduled run finished", { status: result.status, reason: result.reason, errorCode: result.errorCode, durationMs: result.durationMs }),
        (error: unknown) => log.error("scheduled run threw", { error: error instanceof Error ? error.message : String(error) }),
      );
      running.add(run);
      try {
        await run;
      } finally {
        running.delete(run);
      }
    };
    return {
      job,
      cron: new Cron(
        job.schedule,
        {
          name: `xbot:${job.name}`,
          timezone: "UTC",
          protect: () => options.log.warn("scheduled run skipped: the previous one is still running", { job: job.name }),
        },
        fire,
      ),
    };
  });
  return {
    entries: () => crons.map(({ job, cron }) => ({ job: job.name, schedule: job.schedule, next: cron.nextRun() })),
    stop() {
      stopped = true;
      for (const { cron } of crons) cron.stop();
    },
    async drain(timeoutMs) {
      if (running.size === 0) return true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const all = Promise.allSettled([...running]).then(() => true as const);
      try {
        return await Promise.race([all, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    inFlight: () => running.size,
  };
}
