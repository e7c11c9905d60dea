/**
 * The budget of logged-in visits to X. Every page load (a `load` event of a page the run's
 * logged-in browser opened) is counted per job and in total per UTC day in the state store;
 * /api/status and the dashboard show the counts. Each page first reserves one visit against
 * XBOT_X_VISITS_PER_DAY in one atomic step (concurrent runs cannot pass the cap together); at
 * the cap further X work throws `budget_exhausted`, which the runner records as a skipped run
 * ("visits budget"). A page already open finishes: its further loads are counted after it,
 * and a page opened counts as at least one visit.
 */
import { accountScope } from "../config.js";
import type { BrowserSession } from "../browser/index.js";
import { XbotError } from "../errors.js";
import type { JobContext } from "./context.js";
import { visitsCounter, visitsTotalCounter } from "../state/keys.js";
import type { StateStore } from "../state/store.js";

/** The counters outlive their day by a day (the dashboard reads today's only). */
const COUNTER_WINDOW_MS = 48 * 3_600_000;

/** Today's counts: per job (those with any), the total, and the cap. */
export interface VisitCounts {
  readonly byJob: Record<string, number>;
  readonly total: number;
  readonly cap: number;
}

/** Reads today's visit counters for `jobs`. */
export async function visitCounts(state: StateStore, jobs: readonly string[], cap: number, nowMs: number, scope?: string): Promise<VisitCounts> {
  const [total, ...each] = await Promise.all([state.readCounter(visitsTotalCounter(nowMs, scope)), ...jobs.map((j) => state.readCounter(visitsCounter(nowMs, j, scope)))]);
  const byJob = Object.fromEntries(jobs.map((j, i) => [j, each[i] ?? 0]).filter(([, n]) => (n as number) > 0));
  return { byJob, total: total ?? 0, cap };
}

/** Throws `budget_exhausted` ("visits budget") when today's page loads reached the cap. */
export async function assertVisitBudget(ctx: JobContext): Promise<void> {
  const used = await ctx.state.readCounter(visitsTotalCounter(ctx.clock.now(), accountScope(ctx.config)));
  const cap = ctx.config.XBOT_X_VISITS_PER_DAY;
  if (used >= cap) throw new XbotError("budget_exhausted", "visits budget", { details: { resource: "x_visits", used, cap } });
}

/** Reserves one page's visit against today's cap, atomically; throws `budget_exhausted` at the cap. */
async function reserveVisit(ctx: JobContext): Promise<void> {
  const cap = ctx.config.XBOT_X_VISITS_PER_DAY;
  const r = await ctx.state.reserveCounter(visitsTotalCounter(ctx.clock.now(), accountScope(ctx.config)), 1, cap, COUNTER_WINDOW_MS);
  if (!r.granted) throw new XbotError("budget_exhausted", "visits budget", { details: { resource: "x_visits", used: r.total, cap } });
}

/** Counts a finished page: `loads` (at least the one reserved) for its job, the loads past the reserved one in the total. */
async function record(ctx: JobContext, loads: number): Promise<void> {
  const now = ctx.clock.now();
  const counted = Math.max(loads, 1);
  const scope = accountScope(ctx.config);
  try {
    await Promise.all([
      ctx.state.incrementCounter(visitsCounter(now, ctx.job, scope), counted, COUNTER_WINDOW_MS),
      counted > 1 ? ctx.state.incrementCounter(visitsTotalCounter(now, scope), counted - 1, COUNTER_WINDOW_MS) : Promise.resolve(0),
    ]);
  } catch (error) {
    ctx.log.warn("x visits could not be counted", { loads, error: error instanceof XbotError ? error.toJSON() : String(error) });
  }
}

/** The run's browser with every page checked against the budget and its loads counted. */
export function countedBrowser(ctx: JobContext, browser: BrowserSession): BrowserSession {
  const withPage: BrowserSession["withPage"] = async (operation, fn, options) => {
    await reserveVisit(ctx);
    return browser.withPage(
      operation,
      async (page) => {
        let loads = 0;
        const onLoad = () => {
          loads++;
        };
        page.on("load", onLoad);
        try {
          return await fn(page);
        } finally {
          page.off("load", onLoad);
          await record(ctx, loads);
        }
      },
      options,
    );
  };
  return new Proxy(browser, {
    get(target, property) {
      if (property === "withPage") return withPage;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
