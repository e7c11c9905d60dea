/**
 * The X API dollar budget, fleet-wide: every call reserves its most expensive outcome from a
 * per-UTC-day counter in the state store (`reserveCounter`, atomic on Redis and Postgres), so
 * N concurrent runs never spend past XBOT_X_API_DAILY_BUDGET_USD, then returns what it did
 * not use. Per-operation spend and call counts are counted alongside for /api/status.
 */
import { XbotError } from "../errors.js";
import type { JobContext } from "./context.js";
import type { StateStore } from "../state/store.js";
import type { ApiMeter } from "../x/transport/api.js";
import { API_OPS, costMicros, PRICES_AS_OF, rateCard, type ApiOp } from "../x/transport/prices.js";

const WINDOW_MS = 48 * 3_600_000;

function day(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

/** Counter names of the X API spend (built here only). */
export const xApiKeys = {
  total: (nowMs: number) => `xapi-usd-micros:${day(nowMs)}`,
  opUsd: (nowMs: number, op: ApiOp) => `xapi-usd-micros:${day(nowMs)}:${op}`,
  opCalls: (nowMs: number, op: ApiOp) => `xapi-calls:${day(nowMs)}:${op}`,
  refused: (nowMs: number) => `xapi-refused:${day(nowMs)}`,
};

/** The meter of one run: reserve before, settle after, against today's budget. */
export function xApiMeter(ctx: JobContext): ApiMeter {
  const card = rateCard(ctx.config.XBOT_X_API_PRICES);
  const capMicros = Math.round(ctx.config.XBOT_X_API_DAILY_BUDGET_USD * 1_000_000);
  return {
    async reserve(op, resources) {
      const micros = costMicros(card, op, resources);
      if (micros === 0) return 0;
      const now = ctx.clock.now();
      const r = await ctx.state.reserveCounter(xApiKeys.total(now), micros, capMicros, WINDOW_MS);
      if (!r.granted) {
        await ctx.state.incrementCounter(xApiKeys.refused(now), 1, WINDOW_MS);
        throw new XbotError(
          "budget_exhausted",
          `X API daily budget reached: $${(r.total / 1e6).toFixed(3)} of $${ctx.config.XBOT_X_API_DAILY_BUDGET_USD} spent today; ${op} would cost up to $${(micros / 1e6).toFixed(3)} (XBOT_X_API_DAILY_BUDGET_USD)`,
          { details: { posted: false, op, spentMicros: r.total, capMicros } },
        );
      }
      return micros;
    },
    async settle(op, resources, reservedMicros) {
      const now = ctx.clock.now();
      const used = costMicros(card, op, resources);
      if (reservedMicros > used) await ctx.state.incrementCounter(xApiKeys.total(now), used - reservedMicros, WINDOW_MS);
      await ctx.state.incrementCounter(xApiKeys.opCalls(now, op), 1, WINDOW_MS);
      if (used > 0) await ctx.state.incrementCounter(xApiKeys.opUsd(now, op), used, WINDOW_MS);
    },
  };
}

/** Today's X API spend for /api/status: total, budget, and per operation (dollars and calls). */
export async function xApiSpend(state: StateStore, nowMs: number, budgetUsd: number, prices: Partial<Record<ApiOp, number | undefined>>) {
  const byOp: Record<string, { usd: number; calls: number; price: number }> = {};
  const card = rateCard(prices);
  for (const op of API_OPS) {
    const [usd, calls] = await Promise.all([state.readCounter(xApiKeys.opUsd(nowMs, op)), state.readCounter(xApiKeys.opCalls(nowMs, op))]);
    byOp[op] = { usd: usd / 1e6, calls, price: card[op] };
  }
  return { day: day(nowMs), spentTodayUsd: (await state.readCounter(xApiKeys.total(nowMs))) / 1e6, dailyBudgetUsd: budgetUsd, pricesAsOf: PRICES_AS_OF, byOp };
}
