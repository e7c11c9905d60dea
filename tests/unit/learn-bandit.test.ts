import { describe, expect, it } from "vitest";
import { armId, bestHours, chooseArm, chooseArmFactored, newArm, posteriorMean, updateArm, type Arm } from "../../lib/learn/bandit.js";
import { sampleNormal } from "../../lib/learn/beta.js";
import { mulberry32 } from "../support/random.js";

function grid(topics: number, buckets: readonly number[]): Arm[] {
  const arms: Arm[] = [];
  for (let t = 0; t < topics; t++) for (const f of ["single", "thread"]) for (const b of buckets) arms.push(newArm(`topic${t}`, f, b));
  return arms;
}

type Chooser = (arms: readonly Arm[], random: () => number) => Arm | null;
interface SimResult {
  bestShareLast50: number;
  late: Arm[];
  cumulative: number;
  uniformCumulative: number;
}

/** Plays `rounds` posts against hidden mean rewards (observed with N(0, 0.2) noise, clamped to [0, 1]). */
function simulate(arms: readonly Arm[], means: ReadonlyMap<string, number>, rounds: number, seed: number, choose: Chooser): SimResult {
  const random = mulberry32(seed);
  const uniformRandom = mulberry32(seed + 10_000);
  const best = [...means].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const observe = (id: string, rnd: () => number) => Math.min(1, Math.max(0, means.get(id)! + 0.2 * sampleNormal(rnd)));
  let state = [...arms];
  let cumulative = 0;
  let uniformCumulative = 0;
  const late: Arm[] = [];
  for (let round = 0; round < rounds; round++) {
    const arm = choose(state, random)!;
    const reward = observe(arm.armId, random);
    cumulative += reward;
    if (round >= rounds - 50) late.push(arm);
    state = state.map((a) => (a.armId === arm.armId ? updateArm(a, reward) : a));
    uniformCumulative += observe(arms[Math.floor(uniformRandom() * arms.length)]!.armId, uniformRandom);
  }
  return { bestShareLast50: late.filter((a) => a.armId === best).length / 50, late, cumulative, uniformCumulative };
}

const fmt = (r: SimResult) => `best share ${(100 * r.bestShareLast50).toFixed(0)}%, cumulative ${r.cumulative.toFixed(1)} vs uniform ${r.uniformCumulative.toFixed(1)}`;

describe("Thompson sampling simulation", () => {
  it("concentrates on a clearly better arm (12 arms, 300 rounds, 10 seeds) and beats uniform choice", () => {
    const ROUNDS = 300;
    const arms = grid(3, [8, 16]);
    const modelRandom = mulberry32(2024);
    const means = new Map(arms.map((a, i) => [a.armId, i === 5 ? 0.6 : 0.1 + 0.25 * modelRandom()]));
    const results = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) => simulate(arms, means, ROUNDS, seed, chooseArm));
    for (const [i, r] of results.entries()) console.log(`[bandit 12 arms, seed ${i + 1}] ${fmt(r)}`);
    const shares = results.map((r) => r.bestShareLast50).sort((a, b) => a - b);
    console.log(`[bandit 12 arms] median best share ${(100 * shares[5]!).toFixed(0)}%, min ${(100 * shares[0]!).toFixed(0)}%`);
    for (const r of results) {
      expect(r.bestShareLast50).toBeGreaterThanOrEqual(0.6);
      expect(r.cumulative).toBeGreaterThan(r.uniformCumulative);
    }
  });

  it("on the full default grid (60 arms, additive world), factored sampling earns more than plain Thompson", () => {
    const arms = grid(5, [0, 4, 8, 12, 16, 20]);
    const modelRandom = mulberry32(99);
    const slot = new Map<string, number>(arms.map((a) => [`${a.topic}:${a.format}`, 0.05 + 0.1 * modelRandom()]));
    slot.set("topic0:single", 0.4);
    const hour = new Map<number, number>([0, 4, 8, 12, 16, 20].map((h) => [h, h === 12 ? 0.2 : 0.05 + 0.05 * modelRandom()]));
    const means = new Map(arms.map((a) => [a.armId, slot.get(`${a.topic}:${a.format}`)! + hour.get(a.hourBucket)!]));
    const share = (r: SimResult, pred: (a: Arm) => boolean) => `${((100 * r.late.filter(pred).length) / 50).toFixed(0)}%`;
    const total = { plain: 0, factored: 0, uniform: 0 };
    for (const seed of [1, 2, 3]) {
      for (const [name, choose] of [
        ["plain", chooseArm],
        ["factored", chooseArmFactored],
      ] as const) {
        const r = simulate(arms, means, 200, seed, choose);
        total[name] += r.cumulative;
        if (name === "plain") total.uniform += r.uniformCumulative;
        const slotShare = share(r, (a) => a.topic === "topic0" && a.format === "single");
        console.log(`[bandit 60 arms, seed ${seed}] ${name}: best slot ${slotShare}, best hour ${share(r, (a) => a.hourBucket === 12)}, ${fmt(r)}`);
      }
    }
    console.log(`[bandit 60 arms] total over 3 seeds: plain ${total.plain.toFixed(1)}, factored ${total.factored.toFixed(1)}, uniform ${total.uniform.toFixed(1)}`);
    expect(total.factored).toBeGreaterThan(total.plain);
    expect(total.plain).toBeGreaterThan(total.uniform);
  });
});

describe("bandit primitives", () => {
  it("updates fractionally and clamps rewards", () => {
    const arm = newArm("db", "thread", 12);
    expect(arm.armId).toBe(armId("db", "thread", 12));
    expect(updateArm(arm, 0.25)).toMatchObject({ alpha: 1.25, beta: 1.75, pulls: 1, rewardSum: 0.25 });
    expect(updateArm(arm, 7)).toMatchObject({ alpha: 2, beta: 1 });
    expect(updateArm(arm, Number.NaN)).toMatchObject({ alpha: 1, beta: 2 });
    expect(posteriorMean({ alpha: 3, beta: 1 })).toBe(0.75);
  });

  it("chooses the dominant arm almost always, and null for no arms", () => {
    const random = mulberry32(3);
    const strong = { ...newArm("a", "single", 0), alpha: 90, beta: 10 };
    const weak = { ...newArm("b", "single", 0), alpha: 10, beta: 90 };
    const picks = Array.from({ length: 200 }, () => chooseArm([weak, strong], random)?.armId);
    expect(picks.filter((p) => p === strong.armId).length).toBe(200);
    expect(chooseArm([], random)).toBeNull();
    expect(chooseArmFactored([], random)).toBeNull();
  });

  it("ranks hour buckets by UCB1 (untried first) or by pooled posterior mean", () => {
    const at = (h: number, pulls: number, sum: number): Arm => ({ ...newArm("t", "single", h), pulls, rewardSum: sum, alpha: 1 + sum, beta: 1 + pulls - sum });
    const arms = [at(0, 10, 2), at(4, 10, 6), at(8, 0, 0), at(4, 5, 3)];
    expect(bestHours(arms).map((h) => h.hourBucket)).toEqual([8, 4, 0]);
    const ucb = bestHours(arms).find((h) => h.hourBucket === 4)!;
    expect(ucb).toMatchObject({ pulls: 15, mean: 0.6 });
    expect(ucb.score).toBeCloseTo(0.6 + Math.sqrt((2 * Math.log(25)) / 15), 10);
    expect(bestHours(arms, { method: "mean" }).map((h) => h.hourBucket)).toEqual([4, 8, 0]);
  });
});
