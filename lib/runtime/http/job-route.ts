/**
 * `/api/jobs/<job>`: GET with `Bearer $CRON_SECRET` is a cron or Vercel Schedules run; POST
 * with `Upstash-Signature` is a QStash delivery (queue-route.ts, the job fixed to this
 * route); POST with `Bearer $XBOT_ADMIN_TOKEN` and a JSON body `{mode?, params?, account?}` is a
 * manual run (of that account; without it, of the env's single account).
 * Answers `{job, runId, status, reason?, durationMs, summary?}`: 200 for ok and skipped,
 * 503 (retryable) or 500 for failed. Client mistakes get 4xx JSON, never a 500.
 * A cron tick on a deployment with `accounts` rows fans out instead (lib/runtime/fan-out.ts)
 * and answers the fan-out: 200, or 503 when QStash could not be reached.
 */
import { z } from "zod";
import { adminRefusal, bearerMatches } from "./auth.js";
import { clientError, json, methodNotAllowed, parseJson, readBody, statusOf } from "./respond.js";
import { runJob, type Invocation, type RuntimeDeps } from "../runner.js";
import { guarded, type RuntimeFactory } from "./guard.js";
import { checkParams } from "../../jobs/job.js";
import { deliver, ACCOUNT_FIELD } from "./queue-route.js";
import { fanOutTick } from "../fan-out.js";

/** Headers that carry a scheduler's execution id, identical across duplicate deliveries. */
export const EXECUTION_ID_HEADERS = ["x-vercel-schedule-execution-id", "x-vercel-execution-id", "x-xbot-execution-id"] as const;

const manualBody = z.strictObject({
  mode: z.enum(["live", "dry", "shadow"]).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  account: ACCOUNT_FIELD.optional(),
});

/** The GET and POST handlers of one job. */
export function jobRoute(job: string, factory?: RuntimeFactory): { GET: (r: Request) => Promise<Response>; POST: (r: Request) => Promise<Response> } {
  const handle = guarded(factory, async (request, deps) => {
    const definition = deps.catalog.runnable(job);
    if (!definition) return clientError(404, "unknown_job", `no job named "${job}"`);
    if (request.method === "POST" && request.headers.has("upstash-signature")) return deliver(request, deps, job);
    const invocation = request.method === "GET" ? cronInvocation(request, deps, job) : await manualInvocation(request, deps, job);
    if (invocation instanceof Response) return invocation;
    if (invocation.trigger === "cron") {
      const fanned = await fanOutTick(deps, { job, trigger: "cron", requestUrl: request.url });
      if (fanned) return json(fanned.fanOut === "qstash" && fanned.unreachable ? 503 : 200, fanned);
    }
    const params = checkParams(definition, invocation.params);
    if (!params.ok) return clientError(400, "bad_request", params.message);
    const result = await runJob(deps, { ...invocation, ...(invocation.params ? { params: params.params } : {}) });
    return json(statusOf(result), result);
  });
  return { GET: handle, POST: handle };
}

function executionId(request: Request): string | undefined {
  for (const name of EXECUTION_ID_HEADERS) {
    const value = request.headers.get(name);
    if (value && /^[\w.:-]{1,128}$/.test(value)) return value;
  }
  return undefined;
}

function cronInvocation(request: Request, deps: RuntimeDeps, job: string): Invocation | Response {
  if (!deps.config.CRON_SECRET) return clientError(401, "unauthorized", "cron runs need CRON_SECRET to be configured");
  if (!bearerMatches(request.headers.get("authorization"), deps.config.CRON_SECRET)) return clientError(401, "unauthorized", "missing or wrong Authorization: Bearer <CRON_SECRET>");
  const deliveryId = executionId(request);
  return { job, trigger: "cron", ...(deliveryId ? { deliveryId } : {}) };
}

async function manualInvocation(request: Request, deps: RuntimeDeps, job: string): Promise<Invocation | Response> {
  if (request.method !== "POST") return methodNotAllowed(["GET", "POST"]);
  const refusal = adminRefusal(request, deps.config.XBOT_ADMIN_TOKEN);
  if (refusal) return refusal;
  const body = await readBody(request);
  if (!body.ok) return body.response;
  const parsed = parseJson(body.text);
  if (!parsed.ok) return parsed.response;
  const checked = manualBody.safeParse(parsed.value);
  if (!checked.success) return clientError(400, "bad_request", z.prettifyError(checked.error));
  const deliveryId = executionId(request);
  return { job, trigger: "manual", ...checked.data, ...(deliveryId ? { deliveryId } : {}) };
}
