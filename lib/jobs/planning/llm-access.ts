/**
 * The LLM as plan uses it: only when configured, admitted by the `llm` breaker (plan does
 * not list "llm" in its needs, so an open breaker degrades plan instead of skipping it) and
 * inside the daily dollar budget. Spend is a state counter of micro-dollars per UTC day.
 * The first failure switches the LLM off for the rest of the run; `degraded` says why. With
 * the state store unreachable the budget cannot be enforced, so the LLM stays off.
 */
import type { LanguageModel } from "ai";
import { checkBudget, estimateCostUsd, spendKey } from "../../content/budget.js";
import type { GeneratedPost } from "../../content/generate.js";
import type { Format, Topic } from "../../content/topics.js";
import { toXbotError } from "../../errors.js";
import { BREAKER_POLICIES } from "../../resilience/policies.js";
import { recordBreakerOutcome, takeBreakerTrial } from "../breaker-trial.js";
import type { JobContext } from "../context.js";
import type { PlanSettings } from "./settings.js";
import { accountScope } from "../../config.js";
import { accountContent, type AccountSettings } from "../../content/account-settings.js";
import { scopedName } from "../../state/keys.js";

const COUNTER_WINDOW_MS = 48 * 3_600_000;

/** US dollars spent on the LLM today (UTC), from the state counter: the deployment's (shared), or with `scope` one account's. */
export async function spentTodayUsd(ctx: JobContext, scope?: string): Promise<number> {
  return (await ctx.state.readCounter(scopedName(spendKey(ctx.clock.now()), scope))) / 1_000_000;
}

/** Adds a call's cost to today's counter (in whole micro-dollars), and to the account's own when it has a budget share. */
export async function recordSpend(ctx: JobContext, usd: number): Promise<void> {
  const micros = Math.round(Math.max(0, usd) * 1_000_000);
  if (micros <= 0) return;
  const key = spendKey(ctx.clock.now());
  const scope = shareOf(ctx) === undefined ? undefined : accountScope(ctx.config);
  await Promise.all([ctx.state.incrementCounter(key, micros, COUNTER_WINDOW_MS), ...(scope ? [ctx.state.incrementCounter(scopedName(key, scope), micros, COUNTER_WINDOW_MS)] : [])]);
}

/** The account's share of the LLM daily budget (its `llmBudgetShare` setting), or undefined. */
function shareOf(ctx: JobContext): number | undefined {
  return (ctx.config.account?.settings as AccountSettings | undefined)?.llmBudgetShare;
}

/** The model id used for pricing. */
export function modelIdOf(model: LanguageModel): string {
  return typeof model === "string" ? model : model.modelId;
}

/** A generation request. */
export interface GenerateRequest {
  readonly topic: Topic;
  readonly format: Format;
  readonly recentTexts: readonly string[];
}

/** The LLM for one plan run. */
export interface LlmAccess {
  /** Why the LLM is not (or no longer) used in this run; null while usable. */
  readonly degraded: string | null;
  /** A post from the LLM, or null when it is not usable (see `degraded`). Never throws for LLM faults. */
  generate(request: GenerateRequest): Promise<GeneratedPost | null>;
}

/** Opens the run's LLM access; `model` null means not configured. */
export function llmAccess(ctx: JobContext, model: LanguageModel | null, settings: PlanSettings): LlmAccess {
  let degraded: string | null = model ? null : "llm not configured";
  let admitted: { trial: boolean } | null = null;
  const off = (reason: string, fields: Record<string, unknown> = {}): null => {
    degraded = reason;
    ctx.log.warn("plan degraded to the evergreen library", { reason, ...fields });
    return null;
  };
  return {
    get degraded() {
      return degraded;
    },
    async generate(request) {
      if (!model || degraded) return null;
      try {
        const budgetReason = await overBudget(ctx, model, settings);
        if (budgetReason) return off("llm over budget", { detail: budgetReason });
        admitted ??= await admit(ctx);
      } catch (error) {
        return off("llm off: the state store (budget, breaker) is unreachable", { error: toXbotError(error).toJSON() });
      }
      if (!admitted) return off("llm breaker open");
      return call(ctx, model, request, admitted, off);
    },
  };
}

async function overBudget(ctx: JobContext, model: LanguageModel, settings: PlanSettings): Promise<string | null> {
  const next = estimateCostUsd(modelIdOf(model), settings.estimatedCall);
  const check = checkBudget(await spentTodayUsd(ctx), ctx.config.XBOT_LLM_DAILY_BUDGET_USD, next);
  if (!check.success) return check.reason;
  // The budget is shared; an account with a share may spend only that part of it.
  const share = shareOf(ctx);
  const scope = accountScope(ctx.config);
  if (share === undefined || !scope) return null;
  const own = checkBudget(await spentTodayUsd(ctx, scope), ctx.config.XBOT_LLM_DAILY_BUDGET_USD * share, next);
  return own.success ? null : `account ${scope}'s share (${share}): ${own.reason}`;
}

async function admit(ctx: JobContext): Promise<{ trial: boolean } | null> {
  const decision = await takeBreakerTrial(ctx, "llm", 120_000);
  return decision.success ? { trial: decision.trial } : null;
}

async function call(
  ctx: JobContext,
  model: LanguageModel,
  request: GenerateRequest,
  admitted: { trial: boolean },
  off: (reason: string, fields?: Record<string, unknown>) => null,
): Promise<GeneratedPost | null> {
  const outcome = async (ok: boolean) => {
    await recordBreakerOutcome(ctx, "llm", { ok, trial: admitted.trial }, BREAKER_POLICIES.llm);
    admitted.trial = false;
  };
  try {
    const { generatePost } = await import("../../content/generate.js");
    const post = await generatePost({ model, ...request, voice: accountContent(ctx.config).voice, signal: ctx.signal, maxRetries: 1 });
    await recordSpend(ctx, estimateCostUsd(modelIdOf(model), post.usage));
    await outcome(true);
    return post;
  } catch (error) {
    const e = toXbotError(error);
    if (e.code === "deadline") throw e;
    const usage = e.details?.usage as GeneratedPost["usage"] | undefined;
    if (usage) await recordSpend(ctx, estimateCostUsd(modelIdOf(model), usage));
    await outcome(e.dependency !== "llm");
    return off(`llm failed: ${e.code}`, { error: e.toJSON() });
  }
}
