/**
 * Circuit breaker records as persisted by a StateStore, and the policies that drive them.
 * Half-open is not persisted: an `open` record whose `retryAtMs` has passed IS half-open,
 * so no timer has to fire in a short-lived process (the opossum rehydration rule).
 * A closed record may still carry `opens` and `lastOpenedAtMs`: the escalation it remembers
 * (see {@link BreakerPolicy.memoryMs}).
 */

/** How a breaker opens and how long it stays open. */
export interface BreakerPolicy {
  /** Consecutive dependency failures that open a closed breaker. */
  readonly threshold: number;
  /**
   * Cool-down for the 1st, 2nd, ... consecutive opening; the last entry repeats.
   * A failed half-open trial counts as another opening.
   */
  readonly cooldownsMs: readonly number[];
  /**
   * How long the breaker remembers its escalation after it closes again. An opening within
   * `memoryMs` of the previous one continues the cool-down list instead of starting over.
   * Default 0: a closed breaker forgets.
   */
  readonly memoryMs?: number;
}

/** A persisted breaker: closed, open (cooling or half-open by time), or isolated by hand. */
export type BreakerRecord =
  | { readonly state: "closed"; readonly failures: number; readonly opens: number; readonly lastOpenedAtMs?: number }
  | { readonly state: "open"; readonly failures: number; readonly opens: number; readonly openedAtMs: number; readonly retryAtMs: number }
  | { readonly state: "isolated"; readonly failures: number; readonly opens: number; readonly openedAtMs: number };

/** The state an operator sees at a moment. */
export type BreakerPhase = "closed" | "open" | "half_open" | "isolated";

/** A never-seen breaker. */
export const CLOSED_BREAKER: BreakerRecord = Object.freeze({ state: "closed", failures: 0, opens: 0 });

/** The phase of a record at `nowMs`. */
export function breakerPhase(record: BreakerRecord, nowMs: number): BreakerPhase {
  if (record.state === "open") return nowMs >= record.retryAtMs ? "half_open" : "open";
  return record.state;
}

/** Cool-downs doubling from `baseMs` up to `capMs` (the default exponential policy). */
export function exponentialCooldowns(baseMs: number, capMs: number): number[] {
  const steps: number[] = [];
  for (let ms = baseMs; ms < capMs; ms *= 2) steps.push(ms);
  steps.push(capMs);
  return steps;
}
