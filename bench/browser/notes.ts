/** Small text helpers shared by the browser benchmark sections. */
import { cpus, loadavg } from "node:os";

/** "x.y%" with one decimal. */
export function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** The 1-minute load average before and now, against the core count (other work skews wall times). */
export function loadNote(before: number): string {
  return `Load average (1 min) ${before.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)} on ${cpus().length} cores during this section.`;
}
