/**
 * The job dependency graph: validated at load (unknown names and cycles are startup
 * errors that name them), ordered topologically, and used for job health: a job is
 * healthy when its last success is younger than its cron interval x a tolerance.
 */
import { Cron } from "croner";
import { XbotError } from "../errors.js";
import type { JobDefinition, JobSpec } from "./job.js";

/** How many intervals a job may miss before it counts as unhealthy. */
export const HEALTH_TOLERANCE = 3;

/**
 * A validated, ordered list of jobs: every job's spec, and the definitions (with their
 * code) of the jobs this function can run. A deployed job function carries one; the local
 * server and the tests carry all they list.
 */
export interface JobCatalog {
  readonly jobs: readonly JobSpec[];
  /** Names in topological order (dependencies first). */
  readonly order: readonly string[];
  get(name: string): JobSpec | undefined;
  /** The definition of a job this function can run; undefined for a spec without its code. */
  runnable(name: string): JobDefinition | undefined;
}

function isRunnable(job: JobSpec | JobDefinition): job is JobDefinition {
  return typeof (job as Partial<JobDefinition>).run === "function";
}

/**
 * Validates the jobs and returns them in a catalog. Throws `config_invalid` naming the
 * problem. Entries that are full definitions are runnable; bare specs are known only.
 */
export function createCatalog(jobs: readonly (JobSpec | JobDefinition)[]): JobCatalog {
  const byName = new Map<string, JobSpec>();
  for (const job of jobs) {
    if (byName.has(job.name)) throw new XbotError("config_invalid", `job "${job.name}" is defined twice`);
    byName.set(job.name, job);
    expectedIntervalMs(job);
  }
  for (const job of jobs) {
    for (const dep of job.after) if (!byName.has(dep)) throw new XbotError("config_invalid", `job "${job.name}" runs after unknown job "${dep}"`);
  }
  const runnable = new Map(jobs.filter(isRunnable).map((job) => [job.name, job]));
  return { jobs, order: topologicalOrder(jobs, byName), get: (name) => byName.get(name), runnable: (name) => runnable.get(name) };
}

function topologicalOrder(jobs: readonly JobSpec[], byName: Map<string, JobSpec>): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw new XbotError("config_invalid", `job dependency cycle: ${cycle.join(" -> ")}`);
    }
    state.set(name, "visiting");
    for (const dep of byName.get(name)!.after) visit(dep, [...path, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const job of jobs) visit(job.name, []);
  return order;
}

const intervals = new Map<string, number>();

/** The longest gap between consecutive firings of a job's cron (UTC) over its next 25 runs (memoised per schedule). */
export function expectedIntervalMs(job: Pick<JobSpec, "name" | "schedule">): number {
  let ms = intervals.get(job.schedule);
  if (ms === undefined) {
    ms = computeInterval(job, new Date(Date.UTC(2026, 0, 5)));
    intervals.set(job.schedule, ms);
  }
  return ms;
}

function computeInterval(job: Pick<JobSpec, "name" | "schedule">, from: Date): number {
  let cron: Cron;
  try {
    cron = new Cron(job.schedule, { timezone: "UTC", paused: true });
  } catch (error) {
    throw new XbotError("config_invalid", `job "${job.name}" has an invalid schedule "${job.schedule}": ${(error as Error).message}`);
  }
  const runs = cron.nextRuns(25, from).map((d) => d.getTime());
  if (runs.length < 2) throw new XbotError("config_invalid", `job "${job.name}" schedule "${job.schedule}" does not repeat`);
  return Math.max(...runs.slice(1).map((t, i) => t - runs[i]!));
}

/** Largest acceptable age of a job's last success. */
export function maxSuccessAgeMs(job: Pick<JobSpec, "name" | "schedule">): number {
  return expectedIntervalMs(job) * HEALTH_TOLERANCE;
}

/** Health of a job from its last success. */
export function jobHealth(job: Pick<JobSpec, "name" | "schedule">, lastSuccessAt: number | null, nowMs: number): { healthy: boolean; ageMs: number | null; maxAgeMs: number } {
  const maxAgeMs = maxSuccessAgeMs(job);
  if (lastSuccessAt === null) return { healthy: false, ageMs: null, maxAgeMs };
  const ageMs = nowMs - lastSuccessAt;
  return { healthy: ageMs <= maxAgeMs, ageMs, maxAgeMs };
}
