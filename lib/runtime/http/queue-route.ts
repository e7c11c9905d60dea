/**
 * `/api/queue`: QStash deliveries. The signature is verified with the SDK's Receiver over
 * the RAW body (current and next keys), then `{job, mode?, params?, account?}` is routed to the job.
 * Two once-only keys guard a run:
 * - the token's signed `jti`, remembered for the token's lifetime plus skew: a captured
 *   delivery replayed with new, missing or changed message-id headers never runs again;
 * - `Upstash-Message-Id` + `Upstash-Retried` (unsigned), for QStash's own duplicate
 *   deliveries: a duplicate is skipped, while a genuine retry (with its own new token) runs.
 * A client mistake in an authentic delivery answers 489 + Upstash-NonRetryable-Error (see
 * `nonRetryable`): QStash sends it to the DLQ instead of retrying it. So does a run that
 * failed for a reason a retry cannot fix; only a retryable failure answers 503 (QStash
 * retries, and bills, every other non-2xx: https://upstash.com/docs/qstash/features/retry).
 * A fan-out delivery (with `account`) refused for the browser slots answers 503 too: its
 * account has no other message this tick, so QStash retries it once a slot may be free.
 *
 * Deployed, QStash delivers to each job's own function, `POST /api/jobs/<job>` (job-route.ts
 * hands signed requests here with the job fixed), so no function must carry every job.
 * `/api/queue` stays as the dispatcher of the local server; deployed, it carries no job
 * code and answers a delivery 489 `moved`, naming the job's route.
 */
import { z } from "zod";
import { clientError, json, nonRetryable, parseJson, readBody, statusOf } from "./respond.js";
import { guarded, type RuntimeFactory } from "./guard.js";
import { checkToken, jtiTtlMs, type TokenClaims } from "./qstash-token.js";
import { checkParams } from "../../jobs/job.js";
import { runJob, type Invocation, type RunResult, type RuntimeDeps } from "../runner.js";
import { tokenOnceId } from "../../state/keys.js";
import { toXbotError, XbotError } from "../../errors.js";

/** An account id in a request body (an `accounts` row id, or the env's XBOT_ACCOUNT_ID). */
export const ACCOUNT_FIELD = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be an account id: 1-64 of A-Z, a-z, 0-9, _ or -");

const queueBody = z.strictObject({
  job: z.string().min(1).max(64),
  mode: z.enum(["live", "dry", "shadow"]).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  /** The account this run is for (a fan-out message, lib/runtime/fan-out.ts); absent: the env's. */
  account: ACCOUNT_FIELD.optional(),
});
/** The body of a delivery to a job's own route: the job is the route's (a `job` field, if any, must name it). */
const jobBody = queueBody.partial({ job: true });

/** The POST handler of /api/queue. */
export function queueRoute(factory?: RuntimeFactory): { POST: (r: Request) => Promise<Response> } {
  return { POST: guarded(factory, (request, deps) => deliver(request, deps), ["POST"]) };
}

/** Handles one signed QStash delivery; with `routeJob`, a delivery to that job's own route. */
export async function deliver(request: Request, deps: RuntimeDeps, routeJob?: string): Promise<Response> {
  const authentic = await authenticate(request, deps);
  if (authentic instanceof Response) return authentic;
  // From here the delivery is authentic: a mistake in it can never succeed, so QStash must not retry it.
  const planned = plan(request, deps, authentic.text, routeJob);
  if (planned instanceof Response) return nonRetryable(planned);
  const replay = await claimToken(deps, authentic.claims);
  if (replay) return replay;
  const result = await runAccount(deps, planned);
  if (result instanceof Response) return nonRetryable(result);
  // A fan-out delivery that found every browser slot taken is retried by QStash (each account has its one message per tick).
  if (planned.account && result.status === "skipped" && result.reason === "budget_exhausted:browser") return json(503, result, { "retry-after": "30" });
  // A failure no retry can fix goes to the DLQ at once instead of being retried (and billed).
  return result.status === "failed" && !result.retryable ? nonRetryable(json(500, result)) : json(statusOf(result), result);
}

/** The raw body and the token's claims of a delivery whose signature verified, or the 4xx. */
async function authenticate(request: Request, deps: RuntimeDeps): Promise<{ text: string; claims: TokenClaims } | Response> {
  const { QSTASH_CURRENT_SIGNING_KEY: current, QSTASH_NEXT_SIGNING_KEY: next } = deps.config;
  if (!current || !next) return clientError(401, "unauthorized", "QStash signing keys are not configured; deliveries are refused");
  const signature = request.headers.get("upstash-signature");
  if (!signature) return clientError(401, "unauthorized", "missing Upstash-Signature");
  const body = await readBody(request);
  if (!body.ok) return body.response;
  const token = await checkToken(deps.config, deps.log, { signature, body: body.text, url: request.url });
  return token.ok ? { text: body.text, claims: token.claims } : clientError(401, "unauthorized", token.message);
}

/** The run an authentic delivery asks for, or the client mistake (answered non-retryable). */
function plan(request: Request, deps: RuntimeDeps, text: string, routeJob: string | undefined): Invocation | Response {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed.response;
  const checked = (routeJob ? jobBody : queueBody).safeParse(parsed.value);
  if (!checked.success) return clientError(400, "bad_request", z.prettifyError(checked.error));
  const name = routeJob ?? checked.data.job!;
  if (checked.data.job !== undefined && checked.data.job !== name) return clientError(400, "bad_request", `this delivery names job "${checked.data.job}" but was sent to /api/jobs/${name}`);
  const job = deps.catalog.runnable(name);
  if (!job && deps.catalog.get(name)) return clientError(404, "moved", `deliver "${name}" to its own route: POST /api/jobs/${name} (see README, "QStash deliveries")`);
  if (!job) return clientError(404, "unknown_job", `no job named "${name}"`);
  const params = checkParams(job, checked.data.params);
  if (!params.ok) return clientError(400, "bad_request", params.message);
  const retried = request.headers.get("upstash-retried") ?? "0";
  if (!/^\d{1,4}$/.test(retried)) return clientError(400, "bad_request", "Upstash-Retried must be a small whole number");
  const messageId = request.headers.get("upstash-message-id");
  const deliveryId = messageId && /^[\w.:-]{1,128}$/.test(messageId) ? `${messageId}:${Number(retried)}` : undefined;
  const { mode, account } = checked.data;
  return { job: name, trigger: "queue", ...(mode ? { mode } : {}), ...(checked.data.params ? { params: params.params } : {}), ...(deliveryId ? { deliveryId } : {}), ...(account ? { account } : {}) };
}

/** Runs a delivery; an account that does not exist (removed since the fan-out) is a 404 no retry can fix. */
async function runAccount(deps: RuntimeDeps, planned: Invocation): Promise<RunResult | Response> {
  try {
    return await runJob(deps, { ...planned, trigger: "queue" });
  } catch (error) {
    if (planned.account && error instanceof XbotError && error.code === "not_found" && deps.catalog.runnable(planned.job)) return clientError(404, "unknown_account", error.message);
    throw error;
  }
}

/**
 * Claims the token's jti once. A replay answers 200 `skipped` (QStash must not retry it) and
 * runs nothing; an unreachable state store answers 503, so a genuine delivery is retried
 * rather than run without replay protection.
 */
async function claimToken(deps: RuntimeDeps, claims: TokenClaims): Promise<Response | null> {
  const nowMs = (deps.clock ?? { now: Date.now }).now();
  try {
    if (await deps.clients.state.claimOnce(tokenOnceId(claims.jti), jtiTtlMs(claims, nowMs))) return null;
  } catch (error) {
    deps.log.error("QStash delivery not run: the token's jti could not be claimed", { error: toXbotError(error).toJSON() });
    return json(503, { error: "state_unavailable", message: "the state store is unreachable; QStash will retry" }, { "retry-after": "30" });
  }
  deps.log.warn("QStash delivery refused: token replayed", { jti: claims.jti });
  return json(200, { status: "skipped", reason: "replayed_token", message: "this Upstash-Signature token was already used" });
}
