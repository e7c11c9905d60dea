/**
 * "At most once per period" for work that visits X (the ghost scan, the mention poll), on the
 * run's clock: time is cut into periods, each period gets one slot (with jitter, at a random
 * point inside it, fixed per account and period by a hash), and the first run at or after the
 * slot claims the period's once-key in the state store. So runs on a fixed cron beat still
 * read X at irregular times, at most once per period, and a simulated clock works too.
 */
import { createHash } from "node:crypto";
import type { JobContext } from "./context.js";

/** Where in [0, 1) the slot of `period` falls for `seed` (deterministic). */
export function slotFraction(seed: string, period: number): number {
  return createHash("sha256").update(`${seed}:${period}`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Claims this period's slot for `name` if it has come; true when this run should do the work.
 * `jitter` (0..1) is the share of the period the slot may move within (0: at its start).
 */
export async function claimSlot(ctx: JobContext, name: string, periodMs: number, jitter: number): Promise<boolean> {
  const now = ctx.clock.now();
  const period = Math.floor(now / periodMs);
  const seed = `${name}:${ctx.config.XBOT_ACCOUNT_ID}`;
  const slotAt = period * periodMs + Math.floor(slotFraction(seed, period) * jitter * periodMs);
  if (now < slotAt) return false;
  return ctx.state.claimOnce(`${name}:${ctx.config.XBOT_ACCOUNT_ID}:${period}`, periodMs * 2);
}
