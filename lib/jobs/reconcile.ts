/** reconcile: resolves open post attempts against X and records ghosts (lib/posting/reconcile.ts). */
import { reconcile as reconcilePass } from "../posting/reconcile.js";
import { defineJob } from "../runtime/job.js";
import { xAccess } from "./x-access.js";

/** The reconcile job. */
export const reconcile = defineJob({
  name: "reconcile",
  schedule: "*/15 * * * *",
  maxDurationMs: 180_000,
  needs: ["db", "state", "browser", "x"],
  minLevel: 1,
  async run(ctx) {
    if (ctx.mode === "shadow") return { mode: "shadow", skipped: "shadow mode never reads X" };
    return { ...(await reconcilePass(ctx, await xAccess(ctx))) };
  },
});
