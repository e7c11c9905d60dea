/**
 * LLM spend: token usage -> estimated US dollars, from a small per-model price table
 * (USD per 1M tokens). Unknown models get a deliberately HIGH default price, so a
 * misconfigured model overestimates spend and hits the daily budget early rather than late.
 */

/** Tokens one call (or a sum of calls) used. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Prices of one model in USD per 1M tokens. */
export interface ModelPrice {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
}

/** Model id (or id prefix) -> price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** List prices of common OpenAI models (USD per 1M tokens; check the provider's page when adding). */
export const DEFAULT_PRICES: PriceTable = Object.freeze({
  "gpt-4o-mini": { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  "gpt-4o": { inputPerMTok: 2.5, outputPerMTok: 10 },
  "gpt-4.1-nano": { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  "gpt-4.1-mini": { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  "gpt-4.1": { inputPerMTok: 2, outputPerMTok: 8 },
  "gpt-5-nano": { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  "gpt-5-mini": { inputPerMTok: 0.25, outputPerMTok: 2 },
  "gpt-5": { inputPerMTok: 1.25, outputPerMTok: 10 },
  "o4-mini": { inputPerMTok: 1.1, outputPerMTok: 4.4 },
});

/** Price assumed for a model that is not in the table (high on purpose). */
export const UNKNOWN_MODEL_PRICE: ModelPrice = Object.freeze({ inputPerMTok: 5, outputPerMTok: 15 });

/** Zero usage. */
export const NO_USAGE: TokenUsage = Object.freeze({ inputTokens: 0, outputTokens: 0 });

/** The price of a model: exact id, else the longest table key the id starts with ("gpt-4o-mini-2024-07-18"), else the default. */
export function priceOf(model: string, prices: PriceTable = DEFAULT_PRICES, fallback: ModelPrice = UNKNOWN_MODEL_PRICE): ModelPrice {
  const id = model.includes("/") ? model.slice(model.lastIndexOf("/") + 1) : model;
  const exact = prices[id];
  if (exact) return exact;
  const prefix = Object.keys(prices)
    .filter((key) => id.startsWith(key))
    .sort((a, b) => b.length - a.length)[0];
  return (prefix !== undefined ? prices[prefix] : undefined) ?? fallback;
}

/** Estimated cost in USD of `usage` on `model`. */
export function estimateCostUsd(model: string, usage: TokenUsage, prices: PriceTable = DEFAULT_PRICES): number {
  const price = priceOf(model, prices);
  return (usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1_000_000;
}

/** Sum of usages. */
export function addUsage(...usages: readonly TokenUsage[]): TokenUsage {
  return usages.reduce((a, b) => ({ inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens }), NO_USAGE);
}

/** Whether another call estimated at `nextUsd` fits in today's budget. */
export function checkBudget(spentTodayUsd: number, dailyBudgetUsd: number, nextUsd = 0): { success: boolean; reason: string } {
  const after = spentTodayUsd + nextUsd;
  if (after > dailyBudgetUsd) return { success: false, reason: `LLM spend $${after.toFixed(4)} would exceed the daily budget $${dailyBudgetUsd.toFixed(2)}` };
  return { success: true, reason: `LLM spend $${after.toFixed(4)} of $${dailyBudgetUsd.toFixed(2)}` };
}

/** The state counter key of LLM spend (micro-dollars) for the UTC day of `nowMs`. */
export function spendKey(nowMs: number): string {
  return `llm-usd-micros:${new Date(nowMs).toISOString().slice(0, 10)}`;
}
