/** `/api/health`: public `{status}`; with the admin token, the full report. */
import { bearerMatches } from "./auth.js";
import { guarded, type RuntimeFactory } from "./guard.js";
import { json } from "./respond.js";
import { healthReport } from "../health.js";

/** The GET handler of /api/health. 200 when ok or degraded, 503 when down. */
export function healthRoute(factory?: RuntimeFactory): { GET: (r: Request) => Promise<Response> } {
  const GET = guarded(
    factory,
    async (request, deps) => {
      const report = await healthReport(deps);
      const code = report.status === "down" ? 503 : 200;
      const admin = bearerMatches(request.headers.get("authorization"), deps.config.XBOT_ADMIN_TOKEN);
      return json(code, admin ? report : { status: report.status });
    },
    ["GET"],
  );
  return { GET };
}
