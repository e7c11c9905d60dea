/**
 * post: claims the earliest due single or thread (or a reply a reviewer approved) that the
 * caps allow and posts it exactly once (lib/posting/protocol.ts). One item per run. Items
 * held for review are never claimed; those past their review time are expired first. Shadow mode never touches X: it only
 * reports what would be posted. A failure that X caused (226, 429, login wall) is
 * rethrown so the `x` breaker opens with its escalating cool-down.
 */
import { claimDue, claimPartial, listItems, type ItemKind, type QueueItem } from "../db/queue.js";
import { releaseClaim } from "../db/claims.js";
import { postingStats } from "../db/posts.js";
import { expireReviews } from "../db/review.js";
import { checkCaps } from "../posting/caps.js";
import { postClaimedItem } from "../posting/protocol.js";
import { defineJob, type JobSummary } from "./job.js";
import { JOB_SPECS } from "./specs.js";
import type { JobContext } from "./context.js";
import { toXbotError } from "../errors.js";
import { xAccess, type XAccess } from "./x-access.js";

/** The kinds the caps allow now, and the reason when neither a single nor a thread is (approved replies may still go). */
async function allowedKinds(ctx: JobContext, now: Date): Promise<{ kinds: ItemKind[]; capped?: string }> {
  const stats = await postingStats(ctx.db, ctx.config.XBOT_ACCOUNT_ID, now);
  const kinds: ItemKind[] = [];
  let capped: string | undefined;
  for (const kind of ["single", "thread", "reply"] as const) {
    const decision = checkCaps(kind, stats, ctx.config.XBOT_CAPS, now, ctx.config.XBOT_RAMP_START);
    if (decision.success) kinds.push(kind);
    else if (kind !== "reply") capped ??= decision.reason;
  }
  return capped && !kinds.includes("single") && !kinds.includes("thread") ? { kinds, capped } : { kinds };
}

async function shadowRun(ctx: JobContext, now: Date): Promise<JobSummary> {
  const due = (await listItems(ctx.db, ctx.config.XBOT_ACCOUNT_ID, { status: "queued", limit: 200 })).filter((i) => i.dueAt <= now && i.kind !== "reply");
  const next = due.at(-1);
  return { mode: "shadow", wouldPost: next ? { itemId: next.id, kind: next.kind, tweets: next.tweets } : null };
}

/** The post job. */
export const post = defineJob({
  ...JOB_SPECS.post,
  async run(ctx) {
    const now = new Date(ctx.clock.now());
    const expired = await expireReviews(ctx.db, ctx.config.XBOT_ACCOUNT_ID, now);
    const extra = expired.length ? { reviewExpired: expired } : {};
    if (expired.length) ctx.log.info("held items expired unreviewed", { items: expired });
    if (ctx.mode === "shadow") return { ...extra, ...(await shadowRun(ctx, now)) };
    const item = await claimNext(ctx, now);
    await ctx.checkpoint("post:after_claim");
    if ("capped" in item) return { ...extra, posted: 0, capped: item.capped };
    if (!item.claimed) return { ...extra, posted: 0, reason: "nothing due" };
    return { ...extra, ...(await postAndReport(ctx, item.claimed)) };
  },
});

/**
 * A partial thread first (finishing it is the same thread, already counted by the caps), then
 * the earliest due single or thread the caps allow.
 */
async function claimNext(ctx: JobContext, now: Date): Promise<{ claimed: QueueItem | null } | { capped: string | undefined }> {
  const partial = await claimPartial(ctx.db, ctx.config.XBOT_ACCOUNT_ID, ctx.runId, now);
  if (partial) return { claimed: partial };
  const { kinds, capped } = await allowedKinds(ctx, now);
  if (kinds.length === 0) return { capped };
  const claimed = await claimDue(ctx.db, ctx.config.XBOT_ACCOUNT_ID, ctx.runId, now, kinds);
  return !claimed && capped ? { capped } : { claimed };
}

async function postAndReport(ctx: JobContext, item: QueueItem): Promise<JobSummary> {
  const outcome = await postClaimedItem(ctx, item, await accessOrRelease(ctx, item));
  if ((outcome.result === "not_posted" || outcome.result === "unknown") && outcome.error.dependency) throw outcome.error;
  // The X API budget reached stops posting for the day: `degraded` puts it in health's alerts.
  const budget = "error" in outcome && outcome.error.code === "budget_exhausted" ? { degraded: outcome.error.message } : {};
  return { ...outcome, ...("error" in outcome ? { error: outcome.error.toJSON() } : {}), ...budget, posted: outcome.result === "posted" ? 1 : 0 };
}

/**
 * The site and browser for a claimed item. A failure here comes before any attempt row, so the
 * claim goes back at once with the reason (never left `posting` for heal), and the error is
 * rethrown so the run fails and the browser/x breaker counts it.
 */
async function accessOrRelease(ctx: JobContext, item: QueueItem): Promise<XAccess> {
  try {
    const access = await xAccess(ctx);
    // The browser transport launches here, before the attempt row, so a launch failure hands the claim back.
    if (access.x.kind === "browser") await access.browser();
    return access;
  } catch (error) {
    const e = toXbotError(error);
    const released = await releaseClaim(ctx.db, item, ctx.runId, `not attempted: ${e.code}: ${e.message}`, new Date(ctx.clock.now()));
    ctx.log.warn("claim released: the run failed before any attempt", { itemId: item.id, code: e.code, released });
    throw e;
  }
}
