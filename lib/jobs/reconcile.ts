/** reconcile: resolves open post attempts against X and records ghosts (lib/posting/reconcile.ts). */
import { reconcile as reconcilePass } from "../posting/reconcile.js";
import { defineJob } from "../runtime/job.js";
import { JOB_SPECS } from "./specs.js";
import { xAccess } from "./x-access.js";

/** The reconcile job. */
export const reconcile = defineJob({
  ...JOB_SPECS.reconcile,
  async run(ctx) {
    if (ctx.mode === "shadow") return { mode: "shadow", skipped: "shadow mode never reads X" };
    return { ...(await reconcilePass(ctx, await xAccess(ctx))) };
  },
});
