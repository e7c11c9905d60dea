/**
 * `/api/review` (admin): GET lists the items waiting for review, in full, with their checks,
 * origin and recent decisions; POST `{id, action: "approve"|"edit"|"reject", reason?, tweets?,
 * actor?}` decides one. The decision is recorded as `api` (or `api:<actor>`, e.g.
 * `api:dashboard`). A client mistake is 400/404/409/422, never a 5xx; a bad edit changes nothing.
 */
import { z } from "zod";
import { listReview, recentDecisions } from "../../db/review.js";
import { decideReview } from "../../jobs/review.js";
import { adminRefusal } from "./auth.js";
import { guarded, type RuntimeFactory } from "./guard.js";
import { clientError, json, parseJson, readBody } from "./respond.js";

const tweet = z.string().trim().min(1, "a tweet cannot be empty").max(4000);
const actor = z
  .string()
  .regex(/^[a-z0-9:_-]{1,40}$/, "actor is 1-40 of a-z, 0-9, :, _ or -")
  .optional();
const id = z.string().regex(/^\d{1,18}$/, "id is the item's number");
const body = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("approve"), id, reason: z.string().max(500).optional(), actor }),
  z.strictObject({ action: z.literal("reject"), id, reason: z.string().trim().min(1, "a rejection needs a reason").max(500), actor }),
  z.strictObject({ action: z.literal("edit"), id, tweets: z.array(tweet).min(1).max(25), actor }),
]);

/** The GET and POST handlers of /api/review. */
export function reviewRoute(factory?: RuntimeFactory): { GET: (r: Request) => Promise<Response>; POST: (r: Request) => Promise<Response> } {
  const handler = guarded(
    factory,
    async (request, deps) => {
      const refusal = adminRefusal(request, deps.config.XBOT_ADMIN_TOKEN);
      if (refusal) return refusal;
      const sql = deps.clients.sql;
      const account = deps.config.XBOT_ACCOUNT_ID;
      if (request.method === "GET") {
        const [items, decisions] = await Promise.all([listReview(sql, account, 100), recentDecisions(sql, account)]);
        return json(200, { mode: deps.config.reviewMode, expiresAfterHours: deps.config.XBOT_REVIEW_HOURS, items, decisions });
      }
      const raw = await readBody(request);
      if (!raw.ok) return raw.response;
      const parsed = parseJson(raw.text);
      if (!parsed.ok) return parsed.response;
      const checked = body.safeParse(parsed.value);
      if (!checked.success) return clientError(400, "bad_request", z.prettifyError(checked.error));
      const { actor: who, ...rest } = checked.data;
      const now = new Date((deps.clock ?? { now: Date.now }).now());
      const result = await decideReview(sql, deps.config, now, { ...rest, actor: who ? `api:${who}` : "api" } as Parameters<typeof decideReview>[3]);
      if (result.ok) return json(200, { action: rest.action, item: result.item });
      return json(result.problem === "gate" ? 422 : 409, { error: result.problem, message: result.message });
    },
    ["GET", "POST"],
  );
  return { GET: handler, POST: handler };
}
