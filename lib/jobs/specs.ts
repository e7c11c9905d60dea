/**
 * The spec of every job: name, schedule, duration, needs and order, in one place. Each job
 * file spreads its spec into its definition; vercel.json (functions and crons) is generated
 * from this list (scripts/vercel-json.ts, checked by tests/unit/vercel-config.test.ts). A
 * function that serves health or one job imports this module, never the other jobs' code.
 */
import { defineSpec as spec, type JobSpec } from "./job.js";

/** The specs by job name. */
export const JOB_SPECS = {
  plan: spec({ name: "plan", schedule: "15 * * * *", maxDurationMs: 120_000, needs: ["db", "state"], usesLlm: true, whenStateDown: "run", minLevel: 0 }),
  post: spec({ name: "post", schedule: "*/5 * * * *", maxDurationMs: 240_000, needs: ["db", "state", "browser", "x"], minLevel: 1 }),
  replies: spec({ name: "replies", schedule: "*/20 * * * *", maxDurationMs: 240_000, needs: ["db", "state", "browser", "x"], usesLlm: true, minLevel: 2 }),
  reconcile: spec({ name: "reconcile", schedule: "*/15 * * * *", maxDurationMs: 180_000, needs: ["db", "state", "browser", "x"], minLevel: 1 }),
  metrics: spec({ name: "metrics", schedule: "20 * * * *", maxDurationMs: 300_000, needs: ["db", "state", "browser", "x"], minLevel: 1 }),
  followers: spec({ name: "followers", schedule: "0 */2 * * *", maxDurationMs: 120_000, needs: ["db", "state", "browser", "x"], minLevel: 1 }),
  learn: spec({ name: "learn", schedule: "40 */2 * * *", maxDurationMs: 60_000, needs: ["db", "state"], whenStateDown: "run", after: ["metrics"], minLevel: 0 }),
  heal: spec({ name: "heal", schedule: "*/10 * * * *", maxDurationMs: 180_000, needs: ["db", "state"], opensBrowser: true, whenStateDown: "run", minLevel: 0 }),
} satisfies Record<string, JobSpec>;

/** The specs in the jobs' natural order (the same order as JOBS in lib/jobs/index.ts). */
export const SPECS: readonly JobSpec[] = Object.values(JOB_SPECS);
