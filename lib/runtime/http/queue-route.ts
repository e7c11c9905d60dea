/**
 * `/api/queue`: QStash deliveries. The signature is verified with the SDK's Receiver over
 * the RAW body (current and next keys), then `{job, mode?, params?}` is routed to the job.
 * Two once-only keys guard a run:
 * - the token's signed `jti`, remembered for the token's lifetime plus skew: a captured
 *   delivery replayed with new, missing or changed message-id headers never runs again;
 * - `Upstash-Message-Id` + `Upstash-Retried` (unsigned), for QStash's own duplicate
 *   deliveries: a duplicate is skipped, while a genuine retry (with its own new token) runs.
 * A client mistake in an authentic delivery answers 489 + Upstash-NonRetryable-Error (see
 * `nonRetryable`): QStash sends it to the DLQ instead of retrying it.
 */
import { z } from "zod";
import { clientError, json, nonRetryable, parseJson, readBody } from "./respond.js";
import { guarded, type RuntimeFactory } from "./guard.js";
import { statusOf } from "./job-route.js";
import { checkToken, jtiTtlMs, type TokenClaims } from "./qstash-token.js";
import { checkParams } from "../job.js";
import { runJob, type RuntimeDeps } from "../runner.js";
import { tokenOnceId } from "../../state/keys.js";
import { toXbotError } from "../../errors.js";

const queueBody = z.strictObject({
  job: z.string().min(1).max(64),
  mode: z.enum(["live", "dry", "shadow"]).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

/** The POST handler of /api/queue. */
export function queueRoute(factory?: RuntimeFactory): { POST: (r: Request) => Promise<Response> } {
  const POST = guarded(factory, async (request, deps) => {
    const { QSTASH_CURRENT_SIGNING_KEY: current, QSTASH_NEXT_SIGNING_KEY: next } = deps.config;
    if (!current || !next) return clientError(401, "unauthorized", "QStash signing keys are not configured; deliveries are refused");
    const signature = request.headers.get("upstash-signature");
    if (!signature) return clientError(401, "unauthorized", "missing Upstash-Signature");
    const body = await readBody(request);
    if (!body.ok) return body.response;
    const token = await checkToken(deps.config, deps.log, { signature, body: body.text, url: request.url });
    if (!token.ok) return clientError(401, "unauthorized", token.message);
    // From here the delivery is authentic: a mistake in it can never succeed, so QStash must not retry it.
    const parsed = parseJson(body.text);
    if (!parsed.ok) return nonRetryable(parsed.response);
    const checked = queueBody.safeParse(parsed.value);
    if (!checked.success) return nonRetryable(clientError(400, "bad_request", z.prettifyError(checked.error)));
    const job = deps.catalog.get(checked.data.job);
    if (!job) return nonRetryable(clientError(404, "unknown_job", `no job named "${checked.data.job}"`));
    const params = checkParams(job, checked.data.params);
    if (!params.ok) return nonRetryable(clientError(400, "bad_request", params.message));
    const retried = request.headers.get("upstash-retried") ?? "0";
    if (!/^\d{1,4}$/.test(retried)) return nonRetryable(clientError(400, "bad_request", "Upstash-Retried must be a small whole number"));
    const replay = await claimToken(deps, token.claims);
    if (replay) return replay;
    const messageId = request.headers.get("upstash-message-id");
    const deliveryId = messageId && /^[\w.:-]{1,128}$/.test(messageId) ? `${messageId}:${Number(retried)}` : undefined;
    const invocation = { ...checked.data, ...(checked.data.params ? { params: params.params } : {}) };
    const result = await runJob(deps, { ...invocation, trigger: "queue", ...(deliveryId ? { deliveryId } : {}) });
    return json(statusOf(result), result);
  }, ["POST"]);
  return { POST };
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
