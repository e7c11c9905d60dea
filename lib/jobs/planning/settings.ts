/**
 * The plan job's knobs: how full the queue is kept, when posts may be due, how far apart,
 * and how LLM spend is estimated. Defaults are constants here; a manual or queued run may
 * override the queue size with params (`{ "target": 3, "maxPerRun": 2 }`).
 */
import { z } from "zod";
import { XbotError } from "../../errors.js";
import type { ActiveHours } from "../../content/schedule.js";
import type { TokenUsage } from "../../content/budget.js";

/** Everything plan decides with. */
export interface PlanSettings {
  /** Posts per day the queue should cover (the daily post cap the planner plans for). */
  readonly postsPerDay: number;
  /** How far ahead the queue should reach, in hours. */
  readonly horizonHours: number;
  /** Queued items to keep; derived from postsPerDay × horizon unless given. */
  readonly target: number;
  /** At most this many items are planned in one run (keeps the run short). */
  readonly maxPerRun: number;
  /** UTC hours in which items may be due. */
  readonly activeHours: ActiveHours;
  /** Minimum gap between two posts (the posting cap's gap). */
  readonly minGapMs: number;
  /** Up to this much random delay on each due time. */
  readonly jitterMs: number;
  /** An evergreen post is not reused within this many days. */
  readonly evergreenMinDays: number;
  /** How many recent posts the duplicate gate compares with. */
  readonly recentPosts: number;
  /** Assumed token use of one generation call, for the budget check before it. */
  readonly estimatedCall: TokenUsage;
}

/** Defaults: 6 posts a day, 08–22 UTC, 20 min minimum gap, 30 days between evergreen reuses. */
export const PLAN_DEFAULTS: Readonly<Omit<PlanSettings, "target">> = Object.freeze({
  postsPerDay: 6,
  horizonHours: 24,
  maxPerRun: 6,
  activeHours: { start: 8, end: 22 },
  minGapMs: 20 * 60_000,
  jitterMs: 15 * 60_000,
  evergreenMinDays: 30,
  recentPosts: 200,
  estimatedCall: { inputTokens: 1_000, outputTokens: 500 },
});

/** The params a plan run accepts (declared on the job, checked by the routes before the run). */
export const PLAN_PARAMS = z
  .object({
    target: z.number().int().min(1).max(100).optional(),
    maxPerRun: z.number().int().min(1).max(50).optional(),
  })
  .loose();

/** Queued items needed to cover the horizon at the daily rate, at least 1. */
export function targetOf(postsPerDay: number, horizonHours: number): number {
  return Math.max(1, Math.ceil((postsPerDay * horizonHours) / 24));
}

/** Settings from defaults, the job's overrides and the run's params (invalid params: `validation`). */
export function planSettings(overrides: Partial<PlanSettings> = {}, params: Readonly<Record<string, unknown>> = {}): PlanSettings {
  const parsed = PLAN_PARAMS.safeParse(params);
  if (!parsed.success) throw new XbotError("validation", `invalid plan params: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const base = { ...PLAN_DEFAULTS, ...overrides };
  const target = parsed.data.target ?? overrides.target ?? targetOf(base.postsPerDay, base.horizonHours);
  return { ...base, target, maxPerRun: parsed.data.maxPerRun ?? base.maxPerRun };
}

/** Hours per day inside the active hours. */
export function activeHoursPerDay(active: ActiveHours): number {
  if (active.start === active.end) return 24;
  return active.start < active.end ? active.end - active.start : 24 - active.start + active.end;
}

/**
 * The gap planned between consecutive items: the active day spread evenly over the daily
 * rate, never below the posting cap's minimum gap (so 6 posts spread over 14 h, not 2 h).
 */
export function plannedGapMs(settings: PlanSettings): number {
  const spread = (activeHoursPerDay(settings.activeHours) * 3_600_000) / Math.max(1, settings.postsPerDay);
  return Math.max(settings.minGapMs, Math.floor(spread));
}
