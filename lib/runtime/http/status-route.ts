/**
 * `/api/status`: the dashboard's data, admin only: health, recent runs, the queue, recent
 * posts with their latest metrics, a 30-day engagement series, the bandit arms, and the alt
 * text and size of every library image the queue and the posts show (`media`, by id), the
 * accounts of the accounts table (`accounts`: none for the env's single account) with a warning
 * for every egress two of them share, and `fanOut`: the notice that QStash is needed when the
 * in-function fan-out regularly leaves accounts unreached (null otherwise).
 * `?account=<id>` gives the same view of one account.
 */
import { queueCounts, listItems } from "../../db/queue.js";
import { recentRuns } from "../../db/runs.js";
import { engagementSeries, recentPostsWithMetrics } from "../../db/dashboard.js";
import { mediaInfoByIds } from "../../db/media.js";
import { sessionUsername } from "../../db/x-sessions.js";
import { armsSummary } from "../../learn/summary.js";
import { adminRefusal } from "./auth.js";
import { guarded, type RuntimeFactory } from "./guard.js";
import { json } from "./respond.js";
import { healthReport } from "../health.js";
import { effectiveModeLabel, xBaseUrlOf } from "../../jobs/mode.js";
import type { RuntimeDeps } from "../runner.js";
import { spendKey } from "../../content/budget.js";
import { toXbotError } from "../../errors.js";
import { xApiSpend } from "../../jobs/x-budget.js";
import { safetyStatus } from "./safety-status.js";
import { listAccounts } from "../../db/accounts.js";
import { scopeToAccount } from "../account-scope.js";
import { egressWarnings, sharedEgress } from "../egress-sharing.js";
import { fanOutNotice } from "../fan-out-notice.js";

/** The GET handler of /api/status. */
export function statusRoute(factory?: RuntimeFactory): { GET: (r: Request) => Promise<Response> } {
  const GET = guarded(
    factory,
    async (request, unscoped) => {
      const refusal = adminRefusal(request, unscoped.config.XBOT_ADMIN_TOKEN);
      if (refusal) return refusal;
      // `?account=<id>`: the view of one account of the accounts table (unknown: 404); absent: the env's.
      const { deps } = await scopeToAccount(unscoped, new URL(request.url).searchParams.get("account") ?? undefined);
      const accountId = deps.config.XBOT_ACCOUNT_ID;
      const sql = deps.clients.sql;
      const now = new Date((deps.clock ?? { now: Date.now }).now());
      // Everything independent in one parallel stage (on Neon each stage costs a region round
      // trip); only the media lookup waits, for the ids the queue and the posts show.
      const [health, runs, counts, queue, posts, engagement, arms, account, llm, xApi, safety, accounts, fanOut] = await Promise.all([
        healthReport(deps),
        recentRuns(sql, { limit: 200, ...(deps.config.account ? { accountId } : {}) }),
        queueCounts(sql, accountId, now),
        listItems(sql, accountId, { limit: 50 }),
        recentPostsWithMetrics(sql, accountId),
        engagementSeries(sql, accountId, now),
        armsSummary(sql, accountId),
        accountInfo(deps),
        llmInfo(deps, now),
        xApiInfo(deps, now),
        safetyStatus(deps, now),
        accountsInfo(deps),
        fanOutNotice(sql, deps.config, now),
      ]);
      const ids = [...new Set([...queue.flatMap((i) => i.media.flat()), ...posts.flatMap((p) => p.media)])];
      const media = Object.fromEntries((await mediaInfoByIds(sql, accountId, ids)).map((m) => [m.id, { altText: m.altText, width: m.width, height: m.height, mime: m.mime }]));
      return json(200, { account, health, runs, queue: { counts, items: queue }, posts, media, engagement, arms, llm, xApi, safety, accounts, fanOut });
    },
    ["GET"],
  );
  return { GET };
}

async function accountInfo(deps: RuntimeDeps) {
  const username = await sessionUsername(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID);
  return {
    id: deps.config.XBOT_ACCOUNT_ID,
    handle: deps.config.XBOT_X_USER ?? username,
    mode: effectiveModeLabel(deps.config),
    configuredMode: deps.config.XBOT_MODE,
    xBaseUrl: xBaseUrlOf(deps.config),
  };
}

/** The accounts rows (id, handle, status) and the shared-egress warnings; none for the env's single account. */
async function accountsInfo(deps: RuntimeDeps) {
  const rows = await listAccounts(deps.clients.sql);
  const warnings = egressWarnings(sharedEgress(deps.config, rows));
  if (warnings.length > 0) deps.log.warn("accounts share an egress", { warnings });
  return { list: rows.map((r) => ({ id: r.id, handle: r.handle, status: r.status })), warnings };
}

async function xApiInfo(deps: RuntimeDeps, now: Date) {
  const c = deps.config;
  const spend = await xApiSpend(deps.clients.state, now.getTime(), c.XBOT_X_API_DAILY_BUDGET_USD, c.XBOT_X_API_PRICES).catch((error: unknown) => {
    deps.log.warn("status: the X API spend counters could not be read", { error: toXbotError(error).toJSON() });
    return null;
  });
  return { transport: c.XBOT_X_TRANSPORT, ...(spend ?? { spentTodayUsd: null, dailyBudgetUsd: c.XBOT_X_API_DAILY_BUDGET_USD }) };
}

async function llmInfo(deps: RuntimeDeps, now: Date) {
  const spent = await deps.clients.state.readCounter(spendKey(now.getTime())).catch((error: unknown) => {
    // The dashboard shows "unknown" spend; the log says why.
    deps.log.warn("status: the LLM spend counter could not be read", { error: toXbotError(error).toJSON() });
    return null;
  });
  return { configured: Boolean(deps.config.XBOT_LLM_API_KEY), spentTodayUsd: spent === null ? null : spent / 1_000_000, dailyBudgetUsd: deps.config.XBOT_LLM_DAILY_BUDGET_USD };
}
