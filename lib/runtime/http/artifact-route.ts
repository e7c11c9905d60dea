/**
 * `/api/artifacts?id=<id>&kind=png|html|json`: a failure artifact, admin only. The HTML of
 * a failed page is served as text, never rendered in the dashboard's origin.
 */
import { loadArtifact } from "../../db/artifacts.js";
import { adminRefusal } from "./auth.js";
import { guarded, type RuntimeFactory } from "./guard.js";
import { clientError } from "./respond.js";
import { SECURITY_HEADERS } from "./security-headers.js";

const HEADERS = { ...SECURITY_HEADERS, "cache-control": "no-store" };

/** The GET handler of /api/artifacts. */
export function artifactRoute(factory?: RuntimeFactory): { GET: (r: Request) => Promise<Response> } {
  const GET = guarded(
    factory,
    async (request, deps) => {
      const refusal = adminRefusal(request, deps.config.XBOT_ADMIN_TOKEN);
      if (refusal) return refusal;
      const params = new URL(request.url).searchParams;
      const id = params.get("id") ?? "";
      const kind = params.get("kind") ?? "json";
      if (!/^art_[a-z0-9_]{1,60}$/.test(id) || !["png", "html", "json"].includes(kind)) return clientError(400, "bad_request", "use ?id=art_...&kind=png|html|json");
      const artifact = await loadArtifact(deps.clients.sql, id);
      if (!artifact) return clientError(404, "not_found", `no artifact ${id}`);
      if (kind === "png") {
        if (!artifact.screenshot) return clientError(404, "not_found", `artifact ${id} has no screenshot`);
        return new Response(new Uint8Array(artifact.screenshot), { headers: { ...HEADERS, "content-type": "image/png" } });
      }
      if (kind === "html") return new Response(artifact.html ?? "", { headers: { ...HEADERS, "content-type": "text/plain; charset=utf-8" } });
      const { screenshot, html, ...meta } = artifact;
      return Response.json({ ...meta, hasScreenshot: screenshot !== null, htmlBytes: html?.length ?? 0 }, { headers: HEADERS });
    },
    ["GET"],
  );
  return { GET };
}
