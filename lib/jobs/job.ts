/**
 * A job is a definition object (trigger.dev style): what it needs, when it runs, how long
 * it may take, and what it does. Jobs are listed explicitly in lib/jobs/index.ts; nothing
 * registers itself on import.
 */
import { z } from "zod";
import type { Dependency } from "../errors.js";
import type { ServiceLevel } from "../resilience/policies.js";
import type { JobContext } from "./context.js";

export type { ServiceLevel };

/** What a job uses. `state` is always available; breakers guard the others. */
export type Need = "db" | "state" | "browser" | "llm" | "x";

/** How the run was triggered. */
export type Trigger = "cron" | "manual" | "queue" | "local";

/** live acts on X; dry drives the browser up to the final click; shadow never touches X. */
export type Mode = "live" | "dry" | "shadow";

/** What `run` returns: a JSON summary recorded in job_runs and the response. */
export type JobSummary = Record<string, unknown>;

/**
 * What every function must know about a job without carrying its code: health, `after`
 * admission, heal's heartbeat checks and vercel.json are built from it. The specs of
 * xbot's jobs live in lib/jobs/specs.ts; {@link JobDefinition} adds the work.
 */
export interface JobSpec {
  /** Unique name; also the route `/api/jobs/<name>`. */
  readonly name: string;
  /** UTC cron, 5 fields; the same string appears in vercel.json. */
  readonly schedule: string;
  /** Hard limit of one run; the context's signal fires a safety margin earlier. */
  readonly maxDurationMs: number;
  readonly needs: readonly Need[];
  /** Jobs whose recent success this job depends on. */
  readonly after: readonly string[];
  /** The lowest service level at which the job still runs. */
  readonly minLevel: ServiceLevel;
  /** Extra leased budgets beyond the automatic browser slot. */
  readonly budgets?: readonly { readonly resource: string; readonly slots: number }[];
  /** When the state store is unreachable: "skip" (fail closed, the default) or "run" without lock and leases. */
  readonly whenStateDown?: "skip" | "run";
  /**
   * True when runs may open a browser although `browser` is not a need (heal probes the
   * browser breaker and reconciles stuck posts). A job that needs `browser` opens one too.
   * Decides whether the job's function is wired with, and bundles, a browser.
   */
  readonly opensBrowser?: boolean;
  /** True when runs may call the LLM (the AI SDK is imported on first use); only these functions may bundle it. */
  readonly usesLlm?: boolean;
}

/** A job definition: its spec plus the work. */
export interface JobDefinition extends JobSpec {
  /** Retries inside one run: only retryable errors, only within the deadline. Default: none. */
  readonly retry?: { readonly attempts: number; readonly baseMs: number; readonly capMs: number };
  /**
   * The schema of the run's `params`, checked by every route before the run starts (a
   * mismatch is a 400, never a failed run). Default {@link ANY_PARAMS}.
   */
  readonly params?: z.ZodType<Record<string, unknown>>;
  /** The work. Throw XbotErrors; return a summary. */
  run(ctx: JobContext): Promise<JobSummary>;
}

/** The params schema of a job that takes any JSON object. */
export const ANY_PARAMS: z.ZodType<Record<string, unknown>> = z.record(z.string(), z.unknown());

/** The decision on a run's params: accepted (as parsed), or why not. */
export type ParamsCheck = { readonly ok: true; readonly params: Record<string, unknown> } | { readonly ok: false; readonly message: string };

/**
 * Checks params against the job's schema. A NUL character anywhere is refused too: Postgres
 * text and jsonb cannot hold it, so it would otherwise surface as a database error mid-run.
 */
export function checkParams(job: JobDefinition, params: Record<string, unknown> = {}): ParamsCheck {
  if (JSON.stringify(params).includes("\\u0000")) return { ok: false, message: `invalid params for ${job.name}: a NUL character (\\u0000) is not allowed` };
  const parsed = (job.params ?? ANY_PARAMS).safeParse(params);
  if (!parsed.success) return { ok: false, message: `invalid params for ${job.name}: ${z.prettifyError(parsed.error)}` };
  return { ok: true, params: parsed.data };
}

/** Declares a job's spec, filling the defaults. */
export function defineSpec(spec: Omit<JobSpec, "after" | "minLevel"> & Partial<Pick<JobSpec, "after" | "minLevel">>): JobSpec {
  return Object.freeze({ after: [], minLevel: 0 as ServiceLevel, ...spec });
}

/** Declares a job, filling the defaults. */
export function defineJob(definition: Omit<JobDefinition, "after" | "minLevel"> & Partial<Pick<JobDefinition, "after" | "minLevel">>): JobDefinition {
  return Object.freeze({ after: [], minLevel: 0 as ServiceLevel, ...definition });
}

/** True when runs of the job may open a browser (see {@link JobSpec.opensBrowser}). */
export function opensBrowser(job: Pick<JobSpec, "needs" | "opensBrowser">): boolean {
  return job.needs.includes("browser") || job.opensBrowser === true;
}

/** The breaker-guarded dependencies of a job (everything it needs but `state`). */
export function guardedDependencies(job: Pick<JobSpec, "needs">): Dependency[] {
  return job.needs.filter((n): n is Dependency => n !== "state");
}
