/**
 * Retry with decorrelated jitter (AWS architecture blog): sleep = min(cap, rand(base, prev*3)).
 * Only retryable XbotErrors are retried, and never past the deadline.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { toXbotError } from "../errors.js";

/** Retry options. */
export interface RetryOptions {
  readonly attempts: number;
  readonly baseMs: number;
  readonly capMs: number;
  /** Absolute epoch ms after which no new attempt starts. */
  readonly deadlineAt: number;
  readonly signal?: AbortSignal;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** The next decorrelated-jitter delay. */
export function nextDelay(previousMs: number, baseMs: number, capMs: number, random: () => number): number {
  const high = Math.max(baseMs, previousMs * 3);
  return Math.min(capMs, baseMs + random() * (high - baseMs));
}

/** Runs `fn`, retrying retryable failures. The last error is rethrown as an XbotError. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  let delay = options.baseMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const e = toXbotError(error);
      delay = nextDelay(delay, options.baseMs, options.capMs, random);
      const outOfTime = now() + delay >= options.deadlineAt;
      if (!e.retryable || attempt >= options.attempts || outOfTime || options.signal?.aborted) throw e;
      await sleep(delay, undefined, { signal: options.signal }).catch(() => {});
      if (options.signal?.aborted || now() >= options.deadlineAt) throw e;
    }
  }
}
