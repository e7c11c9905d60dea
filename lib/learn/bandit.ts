/**
 * Thompson sampling over content arms (topic × format × hour bucket). Each arm keeps a
 * Beta(alpha, beta) posterior of its reward in [0, 1], starting from Beta(1, 1). A reward
 * r in [0, 1] is a fractional Bernoulli observation: alpha += r, beta += 1 − r.
 * `chooseArm` samples every arm (plain Thompson); `chooseArmFactored` samples content slot
 * and hour separately from pooled posteriors, which learns much faster on a large grid.
 * `bestHours` ranks hour buckets by UCB1 over the pooled rewards of their arms (or by
 * posterior mean) for the dashboard and for scheduling without a full arm choice.
 */
import { armId, type Arm } from "../db/arms.js";
import { sampleBeta, type Random } from "./beta.js";

export { armId, type Arm };

/** A fresh arm with the uniform prior Beta(1, 1). */
export function newArm(topic: string, format: string, hourBucket: number): Arm {
  return { armId: armId(topic, format, hourBucket), topic, format, hourBucket, alpha: 1, beta: 1, pulls: 0, rewardSum: 0 };
}

/** The posterior mean alpha / (alpha + beta). */
export function posteriorMean(arm: Pick<Arm, "alpha" | "beta">): number {
  return arm.alpha / (arm.alpha + arm.beta);
}

/** Thompson sampling: draws one sample per arm and returns the arm with the largest; null for no arms. */
export function chooseArm<A extends Pick<Arm, "alpha" | "beta">>(arms: readonly A[], random: Random): A | null {
  let best: A | null = null;
  let bestSample = -Infinity;
  for (const arm of arms) {
    const sample = sampleBeta(arm.alpha, arm.beta, random);
    if (sample > bestSample) {
      best = arm;
      bestSample = sample;
    }
  }
  return best;
}

/** Pooled posterior of a group of arms: Beta(1 + Σ(alpha − 1), 1 + Σ(beta − 1)). */
function pooled<A extends Arm>(arms: readonly A[], key: (arm: A) => string): { key: string; alpha: number; beta: number; arms: A[] }[] {
  const groups = new Map<string, { key: string; alpha: number; beta: number; arms: A[] }>();
  for (const arm of arms) {
    const k = key(arm);
    const g = groups.get(k) ?? { key: k, alpha: 1, beta: 1, arms: [] };
    groups.set(k, { key: k, alpha: g.alpha + arm.alpha - 1, beta: g.beta + arm.beta - 1, arms: [...g.arms, arm] });
  }
  return [...groups.values()];
}

/**
 * Factored Thompson sampling: samples a content slot (topic × format) from its posterior
 * pooled over hours, and an hour bucket from its posterior pooled over content, then
 * returns that arm. It assumes topic/format and hour effects roughly add up, and in
 * exchange learns 10 + 6 posteriors instead of 60, so it converges far sooner on a
 * full grid (see tests/unit/learn-bandit.test.ts). Null for no arms.
 */
export function chooseArmFactored<A extends Arm>(arms: readonly A[], random: Random): A | null {
  const slot = chooseArm(
    pooled(arms, (a) => `${a.topic}:${a.format}`),
    random,
  );
  const hour = chooseArm(
    pooled(arms, (a) => String(a.hourBucket)),
    random,
  );
  if (!slot || !hour) return null;
  return slot.arms.find((a) => String(a.hourBucket) === hour.key) ?? chooseArm(slot.arms, random);
}

/** The arm after observing a reward (clamped to [0, 1]); pure. */
export function updateArm<A extends Arm>(arm: A, reward01: number): A {
  const r = Number.isFinite(reward01) ? Math.min(1, Math.max(0, reward01)) : 0;
  return { ...arm, alpha: arm.alpha + r, beta: arm.beta + (1 - r), pulls: arm.pulls + 1, rewardSum: arm.rewardSum + r };
}

/** The standing of one hour bucket. */
export interface HourScore {
  readonly hourBucket: number;
  readonly pulls: number;
  /** Mean observed reward (0 with no pulls). */
  readonly mean: number;
  /** The ranking score (UCB1 index, or posterior mean). Infinity for an untried bucket under UCB1. */
  readonly score: number;
}

/** Hour buckets ranked best first, by UCB1 (default, exploration constant c = √2) or pooled posterior mean. */
export function bestHours(arms: readonly Arm[], options: { method?: "ucb1" | "mean"; c?: number } = {}): HourScore[] {
  const pooled = new Map<number, { pulls: number; sum: number; alpha: number; beta: number }>();
  for (const arm of arms) {
    const p = pooled.get(arm.hourBucket) ?? { pulls: 0, sum: 0, alpha: 0, beta: 0 };
    pooled.set(arm.hourBucket, { pulls: p.pulls + arm.pulls, sum: p.sum + arm.rewardSum, alpha: p.alpha + arm.alpha - 1, beta: p.beta + arm.beta - 1 });
  }
  const total = [...pooled.values()].reduce((n, p) => n + p.pulls, 0);
  const c = options.c ?? Math.SQRT2;
  const scores = [...pooled].map(([hourBucket, p]): HourScore => {
    const mean = p.pulls > 0 ? p.sum / p.pulls : 0;
    const score = options.method === "mean" ? posteriorMean({ alpha: 1 + p.alpha, beta: 1 + p.beta }) : p.pulls === 0 ? Infinity : mean + c * Math.sqrt(Math.log(Math.max(total, 1)) / p.pulls);
    return { hourBucket, pulls: p.pulls, mean, score };
  });
  return scores.sort((a, b) => b.score - a.score || a.hourBucket - b.hourBucket);
}
