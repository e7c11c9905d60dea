/**
 * `/api/status`: the dashboard's data, admin only: health, recent runs, the queue, recent
 * posts with their latest metrics, a 30-day engagement series and the bandit arms.
 */
import { queueCounts, listItems } from "../../db/queue.js";
import { recentRuns } from "../../db/runs.js";
import { engagementSeries, recentPostsWithMetrics } from "../../db/dashboard.js";
import { armsSummary } from "../../learn/summary.js";
import { bearerMatches } from "./auth.js";
import { guarded, type RuntimeFactory } from "./guard.js";
import { clientError, json } from "./respond.js";
import { healthReport } from "../health.js";

/** The GET handler of /api/status. */
export function statusRoute(factory?: RuntimeFactory): { GET: (r: Request) => Promise<Response> } {
  const GET = guarded(factory, async (request, deps) => {
    if (!bearerMatches(request.headers.get("authorization"), deps.config.XBOT_ADMIN_TOKEN)) return clientError(401, "unauthorized", "missing or wrong Authorization: Bearer <XBOT_ADMIN_TOKEN>");
    const account = deps.config.XBOT_ACCOUNT_ID;
    const sql = deps.clients.sql;
    const now = new Date((deps.clock ?? { now: Date.now }).now());
    const [health, runs, counts, queue, posts, engagement, arms] = await Promise.all([
      healthReport(deps), recentRuns(sql, { limit: 200 }), queueCounts(sql, account), listItems(sql, account, { limit: 50 }),
      recentPostsWithMetrics(sql, account), engagementSeries(sql, account, now), armsSummary(sql, account),
    ]);
    return json(200, { health, runs, queue: { counts, items: queue }, posts, engagement, arms });
  }, ["GET"]);
  return { GET };
}
