/**
 * replies: finds candidates (mentions; curated accounts only when configured), picks the
 * best one the caps allow (mentions through the read transport: the notifications page, or
 * the API's owned read `GET /2/users/:id/mentions`), writes a reply grounded in the target's text with the LLM, runs
 * the gates, and posts it with the same exactly-once protocol as posts. Without an LLM
 * it collects candidates but does not reply (canned replies would be spam). It runs only inside
 * XBOT_REPLY_HOURS and reads mentions on a slower, jittered cadence (pollDue), to keep
 * logged-in visits to X few. The AI SDK is
 * imported only when a reply is written, so it costs nothing at cold start.
 */
import type { LanguageModel } from "ai";
import { estimateCostUsd, checkBudget } from "../content/budget.js";
import { runGates, type GateDecision } from "../content/gates.js";
import { ruleOptions } from "../content/rules-config.js";
import { claimDue, enqueue } from "../db/queue.js";
import { postingStats, recentTexts } from "../db/posts.js";
import { checkCaps } from "../posting/caps.js";
import { postClaimedItem } from "../posting/protocol.js";
import { recordDecision } from "../db/review.js";
import { bestCandidate, markCandidate, type ReplyCandidate } from "../db/reply-candidates.js";
import { storeCandidates, type FoundTweet } from "../replies/candidates.js";
import { defineJob, type JobDefinition, type JobSummary } from "./job.js";
import { JOB_SPECS } from "./specs.js";
import type { JobContext } from "./context.js";
import { toXbotError } from "../errors.js";
import { recentTimeline, type TimelineTweet } from "../x/index.js";
import { loadPlanContent } from "./planning/content.js";
import { modelIdOf, recordSpend, spentTodayUsd } from "./planning/llm-access.js";
import { xAccess, type XAccess } from "./x-access.js";
import { isActiveHour } from "../content/schedule.js";
import { REPLIES_POLL_ONCE } from "../state/keys.js";
import { claimSlot } from "./cadence.js";
import { itemChecks, reviewHolds, reviewUntil, safetyGate, type ItemChecks } from "./safety.js";

/** A curated account's recent posts; an account X shows as unavailable (suspended, restricted) is skipped. */
async function curatedTweets(ctx: JobContext, access: XAccess, account: string): Promise<TimelineTweet[]> {
  try {
    return (await (await access.browser()).withPage("replies:curated", (p) => recentTimeline(p, access.site, account, { max: 5 }))).tweets;
  } catch (error) {
    const e = toXbotError(error);
    if (e.code !== "not_found") throw e;
    ctx.log.warn("curated account skipped", { account, reason: e.message });
    return [];
  }
}

async function discover(ctx: JobContext, access: XAccess): Promise<number> {
  const read = await access.reads.use("replies:mentions", (x) => x.mentions({ max: 20 }), { signal: ctx.signal });
  const found: FoundTweet[] = read.tweets.map((m) => ({ ...m, source: "mention" as const }));
  for (const account of (ctx.config.XBOT_REPLY_ACCOUNTS ?? "").split(",").filter(Boolean).slice(0, 5)) {
    const tweets = await curatedTweets(ctx, access, account);
    found.push(...tweets.map((t) => ({ ...t, source: "curated" as const })));
  }
  return storeCandidates(ctx.db, ctx.config.XBOT_ACCOUNT_ID, found, access.site.user, new Date(ctx.clock.now()));
}

/** A written reply and its gate decision, or why none was written. */
type Written = { text: string; gate: GateDecision; checks: ItemChecks } | { skipped: string };

async function writeReply(ctx: JobContext, model: LanguageModel, target: { text: string; author: string }): Promise<Written> {
  const budget = checkBudget(await spentTodayUsd(ctx), ctx.config.XBOT_LLM_DAILY_BUDGET_USD);
  if (!budget.success) return { skipped: `llm budget: ${budget.reason}` };
  const { generateReply } = await import("../content/generate.js");
  const { text, usage } = await generateReply({ model, targetText: target.text, targetAuthor: target.author, signal: ctx.signal });
  await recordSpend(ctx, estimateCostUsd(modelIdOf(model), usage));
  const content = await loadPlanContent();
  const safety = safetyGate(ctx, model);
  const gate = await runGates(
    { tweets: [text] },
    {
      recentTexts: await recentTexts(ctx.db, ctx.config.XBOT_ACCOUNT_ID),
      bannedPhrases: content.banned,
      rules: ruleOptions(ctx.config, "reply", target.author),
      safetyCheck: safety.check,
    },
  );
  return { text, gate, checks: itemChecks(safety) };
}

/** Enqueues the reply, held for review when the safety check failed or XBOT_REVIEW says so. */
async function enqueueReply(ctx: JobContext, target: ReplyCandidate, written: { text: string; checks: ItemChecks }, hold: string | null, now: Date) {
  const account = ctx.config.XBOT_ACCOUNT_ID;
  const item = await enqueue(ctx.db, {
    accountId: account,
    kind: "reply",
    tweets: [written.text],
    source: "llm",
    dueAt: now,
    inReplyTo: target.tweetId,
    checks: written.checks,
    origin: { job: "replies", target: { tweetId: target.tweetId, author: target.author, text: target.text } },
    ...(hold ? { status: "review" as const, reviewUntil: reviewUntil(ctx.config, now) } : {}),
  });
  if (item && hold)
    await recordDecision(ctx.db, {
      accountId: account,
      itemId: item.id,
      decision: "held",
      actor: written.checks.safety === "not configured" || hold.startsWith("XBOT_REVIEW") ? "system:review" : "system:safety",
      reason: hold,
      at: now,
    });
  return item;
}

async function replyOnce(ctx: JobContext, model: LanguageModel | null, access: () => Promise<XAccess>): Promise<JobSummary> {
  const account = ctx.config.XBOT_ACCOUNT_ID;
  const now = new Date(ctx.clock.now());
  const cap = checkCaps("reply", await postingStats(ctx.db, account, now), ctx.config.XBOT_CAPS, now, ctx.config.XBOT_RAMP_START);
  if (!cap.success) return { replied: 0, capped: cap.reason };
  if (!model) return { replied: 0, degraded: "no LLM configured: candidates collected, no replies written" };
  const target = await bestCandidate(ctx.db, account, now, ctx.config.XBOT_CAPS.repliesPerAuthorPerDay);
  if (!target) return { replied: 0, reason: "no candidate" };
  const written = await writeReply(ctx, model, target);
  const skipped = "skipped" in written ? written.skipped : !written.gate.success && written.gate.gate !== "safety" ? `gate ${written.gate.gate}: ${written.gate.reason}` : null;
  if (skipped !== null || "skipped" in written) {
    await markCandidate(ctx.db, target.id, { status: "skipped", reason: skipped ?? "skipped" });
    return { replied: 0, skipped };
  }
  const hold = !written.gate.success ? written.gate.reason : reviewHolds(ctx.config, "reply") ? "XBOT_REVIEW holds every reply" : null;
  const item = await enqueueReply(ctx, target, written, hold, now);
  if (!item) return { replied: 0, reason: "same reply already queued" };
  await markCandidate(ctx.db, target.id, { status: "queued", itemId: item.id });
  if (hold) return { replied: 0, to: target.tweetId, held: hold, itemId: item.id };
  const claimed = await claimDue(ctx.db, account, ctx.runId, now, ["reply"]);
  if (!claimed) return { replied: 0, reason: "reply item was claimed elsewhere" };
  const outcome = await postClaimedItem(ctx, claimed, await access());
  if ((outcome.result === "not_posted" || outcome.result === "unknown") && outcome.error.dependency) throw outcome.error;
  return { replied: outcome.result === "posted" ? 1 : 0, to: target.tweetId, result: outcome.result };
}

/**
 * Whether mentions are read on this run: a manual run always; otherwise once per
 * XBOT_REPLIES_POLL_MINUTES period, at a jittered point inside it (cadence.ts), so the reads
 * do not fall on a fixed beat. Stored candidates are answered either way.
 */
async function pollDue(ctx: JobContext): Promise<boolean> {
  if (ctx.trigger === "manual") return true;
  return claimSlot(ctx, REPLIES_POLL_ONCE, ctx.config.XBOT_REPLIES_POLL_MINUTES * 60_000, 0.5);
}

/** Builds the replies job; tests pass a model (the AI SDK's test models). */
export function repliesJob(options: { model?: LanguageModel } = {}): JobDefinition {
  return defineJob({
    ...JOB_SPECS.replies,
    async run(ctx) {
      if (ctx.mode === "shadow") return { mode: "shadow", skipped: "shadow mode never reads X" };
      const now = new Date(ctx.clock.now());
      if (ctx.trigger !== "manual" && !isActiveHour(now.getUTCHours(), ctx.config.XBOT_REPLY_HOURS)) return { replied: 0, skipped: "outside active hours (XBOT_REPLY_HOURS)" };
      let opened: Promise<XAccess> | undefined;
      const access = () => (opened ??= xAccess(ctx)); // no browser unless a page is needed
      const discovered = (await pollDue(ctx)) ? await discover(ctx, await access()) : "poll not due";
      const key = ctx.config.XBOT_LLM_API_KEY;
      const { createLlm } = await import("../content/generate.js");
      const model = options.model ?? (key ? createLlm({ apiKey: key, model: ctx.config.XBOT_LLM_MODEL, ...(ctx.config.XBOT_LLM_BASE_URL ? { baseURL: ctx.config.XBOT_LLM_BASE_URL } : {}) }) : null);
      return { discovered, ...(await replyOnce(ctx, model, access)) };
    },
  });
}

/** The replies job with the configured LLM. */
export const replies = repliesJob();
