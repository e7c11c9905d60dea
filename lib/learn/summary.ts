/**
 * What the bandit has learned, for the learn job's summary and /api/status: the arms with
 * the highest posterior mean among those tried, and hour buckets ranked by pooled mean.
 */
import type { Sql } from "../db/sql.js";
import { loadArms } from "../db/arms.js";
import { bestHours, posteriorMean, type Arm } from "./bandit.js";

/** One arm as the dashboard shows it. */
export interface ArmStanding {
  readonly armId: string;
  readonly topic: string;
  readonly format: string;
  readonly hourBucket: number;
  readonly pulls: number;
  /** Posterior mean alpha / (alpha + beta). */
  readonly mean: number;
}

/** The bandit at a glance. */
export interface ArmsSummary {
  readonly arms: number;
  readonly totalPulls: number;
  /** Tried arms, best posterior mean first (at most `top`). */
  readonly topArms: ArmStanding[];
  /** Tried hour buckets, best pooled posterior mean first. */
  readonly bestHours: { hourBucket: number; pulls: number; mean: number }[];
}

/** Summarises loaded arms. */
export function summarizeArms(arms: readonly Arm[], top = 5): ArmsSummary {
  const tried = arms.filter((a) => a.pulls > 0);
  const topArms = tried
    .map((a) => ({ armId: a.armId, topic: a.topic, format: a.format, hourBucket: a.hourBucket, pulls: a.pulls, mean: round(posteriorMean(a)) }))
    .sort((a, b) => b.mean - a.mean || b.pulls - a.pulls || a.armId.localeCompare(b.armId))
    .slice(0, top);
  const hours = bestHours(arms, { method: "mean" })
    .filter((h) => h.pulls > 0)
    .map((h) => ({ hourBucket: h.hourBucket, pulls: h.pulls, mean: round(h.score) }));
  return { arms: arms.length, totalPulls: tried.reduce((n, a) => n + a.pulls, 0), topArms, bestHours: hours };
}

/** The bandit summary of an account (one query), for /api/status. */
export async function armsSummary(sql: Sql, accountId: string, top = 5): Promise<ArmsSummary> {
  return summarizeArms(await loadArms(sql, accountId), top);
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
