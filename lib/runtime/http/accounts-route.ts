/**
 * `/api/accounts` (admin, Bearer XBOT_ADMIN_TOKEN like /api/review and /api/status): GET lists
 * the accounts (`?id=<id>`: one) with the shared-egress warnings; POST
 * `{action: "add", id, handle, status?, settings?, egress?}`, `{action: "edit", id, handle?,
 * status?, settings?, egress?}` (settings merged, a null value removes one; egress null: the
 * env's) or `{action: "pause"|"resume"|"remove", id}`. Every bad field is named in a 400; an
 * unknown account is 404, a taken id or handle 409; never a 5xx for a client's mistake. The
 * egress is never returned, only which kind is set.
 */
import { z } from "zod";
import { toXbotError } from "../../errors.js";
import { accountView, addAccount, editAccount, listAccounts, removeAccount, requireAccount } from "../accounts-admin.js";
import { egressWarnings, sharedEgress } from "../egress-sharing.js";
import type { RuntimeDeps } from "../runner.js";
import { adminRefusal } from "./auth.js";
import { guarded, type RuntimeFactory } from "./guard.js";
import { clientError, json, parseJson, readBody } from "./respond.js";

const action = z
  .object({ action: z.enum(["add", "edit", "pause", "resume", "remove"], { error: 'action must be "add", "edit", "pause", "resume" or "remove"' }), id: z.string({ error: "id is required" }).max(64) })
  .loose();

async function get(deps: RuntimeDeps, url: URL): Promise<Response> {
  const { sql } = deps.clients;
  const id = url.searchParams.get("id");
  if (id !== null) return json(200, { account: accountView(deps.config, await requireAccount(sql, id)) });
  const rows = await listAccounts(sql);
  return json(200, {
    accounts: rows.map((r) => accountView(deps.config, r)),
    warnings: egressWarnings(sharedEgress(deps.config, rows)),
    envAccount: rows.length === 0 ? deps.config.XBOT_ACCOUNT_ID : null,
  });
}

async function post(deps: RuntimeDeps, value: unknown): Promise<Response> {
  const checked = action.safeParse(value);
  if (!checked.success) return clientError(400, "bad_request", z.prettifyError(checked.error));
  const { action: what, id, ...rest } = checked.data;
  const { sql } = deps.clients;
  if (what === "remove") {
    await removeAccount(sql, id);
    return json(200, { removed: id });
  }
  const row =
    what === "add" ? await addAccount(sql, deps.config, { id, ...rest }) : await editAccount(sql, deps.config, id, what === "edit" ? rest : { status: what === "pause" ? "paused" : "active" });
  return json(what === "add" ? 201 : 200, { account: accountView(deps.config, row), warnings: egressWarnings(sharedEgress(deps.config, await listAccounts(sql))) });
}

/** The GET and POST handlers of /api/accounts. */
export function accountsRoute(factory?: RuntimeFactory): { GET: (r: Request) => Promise<Response>; POST: (r: Request) => Promise<Response> } {
  const handler = guarded(
    factory,
    async (request, deps) => {
      const refusal = adminRefusal(request, deps.config.XBOT_ADMIN_TOKEN);
      if (refusal) return refusal;
      try {
        if (request.method === "GET") return await get(deps, new URL(request.url));
        const raw = await readBody(request);
        if (!raw.ok) return raw.response;
        const parsed = parseJson(raw.text);
        if (!parsed.ok) return parsed.response;
        return await post(deps, parsed.value);
      } catch (error) {
        const e = toXbotError(error);
        if (e.code === "validation") return clientError(400, "bad_request", e.message);
        if (e.code === "conflict") return json(409, { error: "conflict", message: e.message });
        throw error;
      }
    },
    ["GET", "POST"],
  );
  return { GET: handler, POST: handler };
}
