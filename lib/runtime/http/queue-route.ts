/**
 * `/api/queue`: QStash deliveries. The signature is verified with the SDK's Receiver over
 * the RAW body (current and next keys), then `{job, mode?, params?}` is routed to the job.
 * Duplicate deliveries share `Upstash-Message-Id` and `Upstash-Retried`, so that pair is the
 * once-only key: a duplicate is skipped, while a genuine QStash retry runs again.
 */
import { Receiver } from "@upstash/qstash";
import { z } from "zod";
import { clientError, json, parseJson, readBody } from "./respond.js";
import { guarded, type RuntimeFactory } from "./guard.js";
import { statusOf } from "./job-route.js";
import { runJob } from "../runner.js";

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
    const receiver = new Receiver({ currentSigningKey: current, nextSigningKey: next, devMode: false });
    const valid = await receiver.verify({ signature, body: body.text, url: request.url }).catch(() => false);
    if (!valid) return clientError(401, "unauthorized", "invalid Upstash-Signature for this body and URL");
    const parsed = parseJson(body.text);
    if (!parsed.ok) return parsed.response;
    const checked = queueBody.safeParse(parsed.value);
    if (!checked.success) return clientError(400, "bad_request", z.prettifyError(checked.error));
    if (!deps.catalog.get(checked.data.job)) return clientError(404, "unknown_job", `no job named "${checked.data.job}"`);
    const retried = request.headers.get("upstash-retried") ?? "0";
    if (!/^\d{1,4}$/.test(retried)) return clientError(400, "bad_request", "Upstash-Retried must be a small whole number");
    const messageId = request.headers.get("upstash-message-id");
    const deliveryId = messageId && /^[\w.:-]{1,128}$/.test(messageId) ? `${messageId}:${Number(retried)}` : undefined;
    const result = await runJob(deps, { ...checked.data, trigger: "queue", ...(deliveryId ? { deliveryId } : {}) });
    return json(statusOf(result), result);
  }, ["POST"]);
  return { POST };
}
