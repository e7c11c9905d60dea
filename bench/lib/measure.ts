/** Timing helpers: percentiles over samples taken in the same run, and the machine load they ran under. */
import os from "node:os";

/** Summary of a sample set in milliseconds. */
export interface Timing {
  readonly n: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly meanMs: number;
}

/** Runs `fn` `n` times sequentially and summarises the durations. */
export async function timeIt(n: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return summarise(samples);
}

/** Benchmarks take at least this many samples per variant, so a p95 means something (nearest rank: the 19th of 20). */
export const MIN_SAMPLES = 20;

/** Percentiles of raw samples (nearest-rank: the ceil(q·n)-th smallest). */
export function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, medianMs: round(at(0.5)), p95Ms: round(at(0.95)), meanMs: round(mean) };
}

/** Two decimals. */
export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A markdown table. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The 1/5/15-minute load averages and the core count, e.g. "1.2, 0.9, 0.7 on 2 cores". */
export function loadNote(): string {
  return `${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(", ")} on ${os.cpus().length} cores`;
}

/** True when the 1-minute load average is above the core count (a section measured then is rerun). */
export function overloaded(): boolean {
  return os.loadavg()[0]! > os.cpus().length;
}
