/**
 * `/api/media?id=<id>`: a library image's stored WebP thumbnail (at most 160 px, made when it was added), admin only,
 * for the dashboard's queue and recent posts (fetched with the admin token, shown through a
 * blob: URL with the image's alt text).
 */
import { mediaThumb } from "../../db/media.js";
import { adminRefusal } from "./auth.js";
import { guarded, type RuntimeFactory } from "./guard.js";
import { clientError } from "./respond.js";
import { SECURITY_HEADERS } from "./security-headers.js";

/** The GET handler of /api/media. */
export function mediaRoute(factory?: RuntimeFactory): { GET: (r: Request) => Promise<Response> } {
  const GET = guarded(
    factory,
    async (request, deps) => {
      const refusal = adminRefusal(request, deps.config.XBOT_ADMIN_TOKEN);
      if (refusal) return refusal;
      const id = new URL(request.url).searchParams.get("id") ?? "";
      if (!/^\d{1,18}$/.test(id)) return clientError(400, "bad_request", "use ?id=<media id> (xbot media list)");
      const thumb = await mediaThumb(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID, id);
      if (!thumb) return clientError(404, "not_found", `no media ${id}`);
      return new Response(new Uint8Array(thumb), { headers: { ...SECURITY_HEADERS, "cache-control": "private, max-age=3600", "content-type": "image/webp" } });
    },
    ["GET"],
  );
  return { GET };
}
