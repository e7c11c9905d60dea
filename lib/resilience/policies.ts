/**
 * Breaker policies per dependency and the service level each one's failure leaves.
 * Sized for cron traffic: consecutive failures, not rates. The `x` breaker escalates
 * 30 min -> 2 h -> 12 h, remembers that escalation for a day after it closes (a second 226
 * the same day waits 2 h, not 30 min), and codes that mean "X is pushing back" trip it at once.
 */
import type { Dependency, ErrorCode } from "../errors.js";
import { exponentialCooldowns, type BreakerPolicy } from "../state/breaker.js";

/** Service levels: 3 full, 2 reduced (LLM down), 1 minimal (browser/X down), 0 survival (db/state down). */
export type ServiceLevel = 0 | 1 | 2 | 3;

const MINUTE = 60_000;

/** The default policy of each dependency's breaker. */
export const BREAKER_POLICIES: Readonly<Record<Dependency, BreakerPolicy>> = Object.freeze({
  db: { threshold: 3, cooldownsMs: exponentialCooldowns(30_000, 10 * MINUTE) },
  state: { threshold: 3, cooldownsMs: exponentialCooldowns(30_000, 10 * MINUTE) },
  browser: { threshold: 3, cooldownsMs: exponentialCooldowns(MINUTE, 30 * MINUTE) },
  llm: { threshold: 3, cooldownsMs: exponentialCooldowns(MINUTE, 60 * MINUTE) },
  x: { threshold: 2, cooldownsMs: [30 * MINUTE, 120 * MINUTE, 720 * MINUTE], memoryMs: 24 * 60 * MINUTE },
});

/** Errors that open their breaker immediately, whatever the count. */
const TRIPPING_CODES: ReadonlySet<ErrorCode> = new Set(["session_expired", "x_login_wall", "x_challenge", "x_automated", "x_rate_limited"]);

/** The shortest cool-down a rate limit's reset time can set (X's reset is in whole seconds). */
const MIN_RESET_COOLDOWN_MS = 1_000;

/**
 * The policy to record a failure with: tripping codes use threshold 1. A rate limit that
 * says when it resets (`x-rate-limit-reset`, as `resetAtMs`) cools down exactly until then,
 * instead of the escalation list: X has said when calling again is allowed.
 */
export function policyForFailure(dependency: Dependency, code: ErrorCode, reset?: { resetAtMs: number; nowMs: number }): BreakerPolicy {
  const base = BREAKER_POLICIES[dependency];
  if (code === "x_rate_limited" && reset && reset.resetAtMs > reset.nowMs) {
    return { ...base, threshold: 1, cooldownsMs: [Math.max(MIN_RESET_COOLDOWN_MS, reset.resetAtMs - reset.nowMs)] };
  }
  return TRIPPING_CODES.has(code) ? { ...base, threshold: 1 } : base;
}

/** The reset time a failure carries (`details.resetAtMs`), for {@link policyForFailure}. */
export function resetOf(details: Readonly<Record<string, unknown>> | undefined, nowMs: number): { resetAtMs: number; nowMs: number } | undefined {
  const at = details?.resetAtMs;
  return typeof at === "number" && Number.isFinite(at) ? { resetAtMs: at, nowMs } : undefined;
}

/** The service level left while a dependency's breaker is not closed. */
export const LEVEL_WHEN_OPEN: Readonly<Record<Dependency, ServiceLevel>> = Object.freeze({ db: 0, state: 0, browser: 1, x: 1, llm: 2 });
