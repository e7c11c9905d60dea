/**
 * Random variates for Thompson sampling, driven by an injected uniform `random()` in
 * [0, 1) so runs are reproducible: standard normal (Box–Muller), Gamma(shape, 1)
 * (Marsaglia–Tsang 2000, with the U^(1/a) boost for shape < 1), and Beta(a, b) = X/(X+Y).
 */

/** A uniform random source in [0, 1). */
export type Random = () => number;

/** A uniform in (0, 1): never exactly 0, so logs stay finite. */
function openUniform(random: Random): number {
  let u = random();
  while (u <= 0 || u >= 1) u = random();
  return u;
}

/** A standard normal variate (Box–Muller). */
export function sampleNormal(random: Random): number {
  const u1 = openUniform(random);
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A Gamma(shape, 1) variate (Marsaglia–Tsang). */
export function sampleGamma(shape: number, random: Random): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma shape must be a positive number, got ${shape}`);
  if (shape < 1) return sampleGamma(shape + 1, random) * openUniform(random) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = openUniform(random);
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(alpha, beta) variate in [0, 1]. */
export function sampleBeta(alpha: number, beta: number, random: Random): number {
  const x = sampleGamma(alpha, random);
  const y = sampleGamma(beta, random);
  return x + y === 0 ? 0.5 : x / (x + y);
}
