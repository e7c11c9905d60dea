/** `/api/status`: the dashboard's data, admin only. */
import { queueCounts, listItems } from "../../db/queue.js";
import { recentRuns } from "../../db/runs.js";
import { bearerMatches } from "./auth.js";
import { guarded, type RuntimeFactory } from "./guard.js";
import { clientError, json } from "./respond.js";
import { healthReport } from "../health.js";

/** The GET handler of /api/status. */
export function statusRoute(factory?: RuntimeFactory): { GET: (r: Request) => Promise<Response> } {
  const GET = guarded(factory, async (request, deps) => {
    if (!bearerMatches(request.headers.get("authorization"), deps.config.XBOT_ADMIN_TOKEN)) return clientError(401, "unauthorized", "missing or wrong Authorization: Bearer <XBOT_ADMIN_TOKEN>");
    const account = deps.config.XBOT_ACCOUNT_ID;
    const [health, runs, counts, queue] = await Promise.all([
      healthReport(deps), recentRuns(deps.clients.sql, { limit: 200 }), queueCounts(deps.clients.sql, account), listItems(deps.clients.sql, account, { limit: 50 }),
    ]);
    return json(200, { health, runs, queue: { counts, items: queue } });
  }, ["GET"]);
  return { GET };
}
