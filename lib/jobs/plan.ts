/**
 * plan: keeps the queue full. For each missing item it picks an arm (factored Thompson
 * sampling over topic × format × hour bucket), gets a candidate from the LLM or, degraded,
 * from the evergreen library, runs the gates, and enqueues it at the next slot inside the
 * active hours. On an account that never had an item the first one is due at once, so a
 * new user sees a first post within a minute. The summary says where items came from and,
 * when the LLM was not used, why (`degraded`).
 */
import type { LanguageModel } from "ai";
import { isActiveHour, type ActiveHours } from "../content/schedule.js";
import type { TopicPlan } from "../content/topics.js";
import { ensureArms, loadArms } from "../db/arms.js";
import type { Arm } from "../learn/bandit.js";
import type { JobContext } from "./context.js";
import { defineJob, type JobDefinition } from "./job.js";
import { JOB_SPECS } from "./specs.js";
import { loadPlanContent, withAccountContent } from "./planning/content.js";
import { fill, type PlannedItem, type RunState } from "./planning/fill.js";
import { contentHash } from "../db/queue.js";
import { loadPlanHistory } from "../db/plan-history.js";
import { llmAccess } from "./planning/llm-access.js";
import { PLAN_PARAMS, planSettings, type PlanSettings } from "./planning/settings.js";
import { safetyGate } from "./safety.js";

/** Options of {@link planJob}; tests inject the model, the content directory and the randomness. */
export interface PlanJobOptions {
  /** The model; absent: built from XBOT_LLM_* (none without an API key). null: no LLM. */
  readonly model?: LanguageModel | null;
  /** Where topics.json, evergreen.json and banned.json are. Default: the bundled content/. */
  readonly contentDir?: string;
  readonly random?: () => number;
  /** Overrides of PLAN_DEFAULTS. */
  readonly settings?: Partial<PlanSettings>;
}

/** The injected model, else one from config (the AI SDK is imported only when a key is set). */
async function modelFor(ctx: JobContext, options: PlanJobOptions): Promise<LanguageModel | null> {
  if (options.model !== undefined) return options.model;
  const key = ctx.config.XBOT_LLM_API_KEY;
  if (!key) return null;
  const { createLlm } = await import("../content/generate.js");
  return createLlm({ apiKey: key, baseURL: ctx.config.XBOT_LLM_BASE_URL, model: ctx.config.XBOT_LLM_MODEL });
}

/**
 * The arms plan can actually play: hour buckets that never overlap the active hours are
 * left out, since no item can land in them (their arms would keep their prior forever
 * and keep winning hour draws).
 */
async function armsFor(ctx: JobContext, plan: TopicPlan, active: ActiveHours): Promise<Arm[]> {
  const topics = plan.topics.map((t) => t.id);
  const buckets = plan.hourBuckets.filter((b) => Array.from({ length: plan.bucketHours }, (_, i) => (b + i) % 24).some((h) => isActiveHour(h, active)));
  const accountId = ctx.config.XBOT_ACCOUNT_ID;
  await ensureArms(ctx.db, accountId, topics, plan.formats, buckets);
  return loadArms(ctx.db, accountId, { topics, formats: plan.formats, buckets });
}

/** The plan job, with injectable model, content and randomness. */
export function planJob(options: PlanJobOptions = {}): JobDefinition {
  return defineJob({
    ...JOB_SPECS.plan,
    params: PLAN_PARAMS,
    async run(ctx) {
      const settings = planSettings(options.settings, ctx.params);
      const now = new Date(ctx.clock.now());
      const content = withAccountContent(await loadPlanContent(options.contentDir), ctx.config);
      const hashes = content.library.map((p) => contentHash(p.tweets));
      const history = await loadPlanHistory(ctx.db, ctx.config.XBOT_ACCOUNT_ID, now, { recentPosts: settings.recentPosts, minDays: settings.evergreenMinDays, hashes });
      const need = Math.min(settings.maxPerRun, settings.target - history.pending);
      const base = { target: settings.target, pendingBefore: history.pending };
      if (need <= 0) return { ...base, planned: 0, llm: 0, evergreen: 0 };
      const model = await modelFor(ctx, options);
      const run: RunState = {
        ctx,
        settings,
        content,
        history,
        arms: await armsFor(ctx, content.plan, settings.activeHours),
        llm: llmAccess(ctx, model, settings),
        safety: model ? safetyGate(ctx, model) : null,
        random: options.random ?? Math.random,
        rejected: {},
        first: history.empty,
        lastDueAt: history.lastDueAt,
      };
      const { items, exhausted } = await fill(run, need);
      return summarize(run, base, items, exhausted);
    },
  });
}

function summarize(run: RunState, base: Record<string, number>, items: PlannedItem[], exhausted: boolean): Record<string, unknown> {
  const evergreen = items.filter((i) => i.source === "evergreen").length;
  const degraded = run.llm.degraded;
  if (degraded && evergreen > 0) run.ctx.log.info("plan used the evergreen library", { degraded, evergreen });
  if (exhausted) run.ctx.log.warn("plan found no candidate: queue below target", { target: base.target, planned: items.length });
  return {
    ...base,
    planned: items.length,
    llm: items.length - evergreen,
    evergreen,
    held: items.filter((i) => i.status === "review").length,
    ...(degraded ? { degraded } : {}),
    ...(Object.keys(run.rejected).length ? { rejected: run.rejected } : {}),
    ...(exhausted ? { exhausted: true } : {}),
    items,
  };
}

/** The plan job as deployed: the LLM from XBOT_LLM_* (evergreen only without a key). */
export const plan = planJob();
