/**
 * The LLM safety check as jobs run it, after the rule gates, on every generated post and
 * reply when an LLM is configured. It never throws for an LLM fault (only `deadline`): a
 * failed call or an exhausted budget is a failing verdict, and the caller then holds the
 * item for review instead of posting it. The verdict, its reason and its cost are kept for
 * the item's `checks`. Also here: whether XBOT_REVIEW holds an item anyway.
 */
import type { LanguageModel } from "ai";
import { checkBudget, estimateCostUsd } from "../content/budget.js";
import type { SafetyCheck } from "../content/gates.js";
import { toXbotError } from "../errors.js";
import type { JobContext } from "./context.js";
import type { Config } from "../config.js";
import { modelIdOf, recordSpend, spentTodayUsd } from "./planning/llm-access.js";

/** What the safety check said about one text. */
export interface SafetyRecord {
  readonly verdict: "safe" | "unsafe" | "failed" | "over budget";
  readonly reason: string;
  readonly costUsd: number;
}

/** What an item's checks were (stored as content_items.checks). */
export interface ItemChecks {
  readonly rules: "passed";
  /** "not generated": operator-written text (evergreen) is not sent to the model. */
  readonly safety: SafetyRecord | "not configured" | "not generated";
}

/** A safety check bound to a model, and the record of its last verdict. */
export interface SafetyGate {
  readonly check: SafetyCheck;
  readonly last: () => SafetyRecord | undefined;
}

/** Assumed tokens of one safety call, for the budget check before it. */
const ESTIMATED_CALL = { inputTokens: 600, outputTokens: 60 };

/** The safety gate for a run with `model`. */
export function safetyGate(ctx: JobContext, model: LanguageModel): SafetyGate {
  let last: SafetyRecord | undefined;
  const done = (record: SafetyRecord) => {
    last = record;
    return record.verdict === "safe" ? { success: true } : { success: false, reason: `safety check ${record.verdict}: ${record.reason}` };
  };
  const check: SafetyCheck = async (text) => {
    const id = modelIdOf(model);
    const budget = checkBudget(await spentTodayUsd(ctx), ctx.config.XBOT_LLM_DAILY_BUDGET_USD, estimateCostUsd(id, ESTIMATED_CALL));
    if (!budget.success) return done({ verdict: "over budget", reason: budget.reason, costUsd: 0 });
    try {
      const { safetyCheck } = await import("../content/generate.js");
      const verdict = await safetyCheck(model, text, { signal: ctx.signal, maxRetries: 1 });
      const costUsd = estimateCostUsd(id, verdict.usage);
      await recordSpend(ctx, costUsd);
      return done({ verdict: verdict.success ? "safe" : "unsafe", reason: verdict.reason ?? "judged safe", costUsd });
    } catch (error) {
      const e = toXbotError(error);
      if (e.code === "deadline") throw e;
      ctx.log.warn("safety check failed: the item is held for review", { error: e.toJSON() });
      return done({ verdict: "failed", reason: e.code, costUsd: 0 });
    }
  };
  return { check, last: () => last };
}

/** The checks to store for an item that passed the rules (with the safety verdict, if any). */
export function itemChecks(gate: SafetyGate | null): ItemChecks {
  return { rules: "passed", safety: gate?.last() ?? "not configured" };
}

/** Whether XBOT_REVIEW holds this kind of item for a person even when every check passed. */
export function reviewHolds(config: Config, kind: "post" | "reply"): boolean {
  return config.reviewMode === "all" || (config.reviewMode === "replies" && kind === "reply");
}

/** When an item entering review now expires. */
export function reviewUntil(config: Config, now: Date): Date {
  return new Date(now.getTime() + config.XBOT_REVIEW_HOURS * 3_600_000);
}
