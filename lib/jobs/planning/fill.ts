/**
 * The plan run's loop: one arm, one due time, one gated candidate and one enqueue per
 * missing item, keeping the run's view of the history current as items are added.
 */
import type { GateName } from "../../content/gates.js";
import { ruleOptions } from "../../content/rules-config.js";
import { nextSlot } from "../../content/schedule.js";
import { hourBucketOf, type TopicPlan } from "../../content/topics.js";
import { listMedia, mediaInfoByIds } from "../../db/media.js";
import { contentHash, enqueue } from "../../db/queue.js";
import { itemShingles } from "../../db/shingles.js";
import { armId, chooseArmFactored, type Arm } from "../../learn/bandit.js";
import type { JobContext } from "../context.js";
import { produceCandidate, type Candidate } from "./candidates.js";
import type { PlanContent } from "./content.js";
import type { PlanHistory } from "../../db/plan-history.js";
import type { LlmAccess } from "./llm-access.js";
import { plannedGapMs, type PlanSettings } from "./settings.js";
import { recordDecision } from "../../db/review.js";
import { reviewHolds, reviewUntil, type SafetyGate } from "../safety.js";

/** One planned item, as the summary lists it. */
export interface PlannedItem {
  readonly id: string;
  readonly source: Candidate["source"];
  readonly armId: string | null;
  readonly dueAt: string;
  /** "review" when it waits for a person (XBOT_REVIEW or the safety check), with why. */
  readonly status: "queued" | "review";
  readonly held?: string;
}

/** Mutable state of one plan run. */
export interface RunState {
  readonly ctx: JobContext;
  readonly settings: PlanSettings;
  readonly content: PlanContent;
  readonly arms: readonly Arm[];
  readonly llm: LlmAccess;
  /** The LLM safety check (null without an LLM). */
  readonly safety: SafetyGate | null;
  readonly history: PlanHistory;
  readonly random: () => number;
  readonly rejected: Partial<Record<GateName, number>>;
  first: boolean;
  lastDueAt: Date | null;
}

function dueTime(run: RunState, arm: Arm, now: Date): Date {
  if (run.first) return now;
  const gap = plannedGapMs(run.settings);
  return nextSlot({
    now,
    activeHours: run.settings.activeHours,
    lastDueAt: run.lastDueAt,
    minGapMs: gap,
    jitterMs: Math.min(run.settings.jitterMs, gap / 4),
    random: run.random,
    hourBucket: arm.hourBucket,
    bucketHours: run.content.plan.bucketHours,
  });
}

/** The arm an item teaches: its topic × format at the hour it is actually due; null outside the plan. */
function itemArm(plan: TopicPlan, candidate: Candidate, bucket: number): string | null {
  const known = plan.topics.some((t) => t.id === candidate.topic) && plan.formats.includes(candidate.format);
  return known ? armId(candidate.topic, candidate.format, bucket) : null;
}

/** Plans one item; null when no candidate exists, "duplicate" when the same content is already pending. */
async function planOne(run: RunState): Promise<PlannedItem | "duplicate" | null> {
  const { ctx } = run;
  const now = new Date(ctx.clock.now());
  const arm = chooseArmFactored(run.arms, run.random);
  if (!arm) return null;
  const dueAt = dueTime(run, arm, now);
  const candidate = await produceCandidate({
    arm,
    content: run.content,
    llm: run.llm,
    recent: run.history.recentTexts,
    posted: run.history.posted,
    now,
    evergreenMinDays: run.settings.evergreenMinDays,
    random: run.random,
    rejected: run.rejected,
    log: ctx.log,
    rules: ruleOptions(ctx.config, "post"),
    safety: run.safety,
    images: {
      byTag: (tag) => listMedia(ctx.db, ctx.config.XBOT_ACCOUNT_ID, { tag, limit: 50 }),
      byIds: (ids) => mediaInfoByIds(ctx.db, ctx.config.XBOT_ACCOUNT_ID, ids),
    },
  });
  if (!candidate) return null;
  const bucket = hourBucketOf(dueAt, run.content.plan.bucketHours);
  const held = candidate.hold ?? (reviewHolds(ctx.config, "post") ? "XBOT_REVIEW holds every post" : null);
  const item = await enqueue(ctx.db, {
    accountId: ctx.config.XBOT_ACCOUNT_ID,
    kind: candidate.format,
    tweets: candidate.tweets,
    source: candidate.source,
    dueAt,
    topic: candidate.topic,
    format: candidate.format,
    hourBucket: bucket,
    armId: itemArm(run.content.plan, candidate, bucket),
    media: candidate.media,
    checks: candidate.checks,
    origin: { job: "plan", source: candidate.source, topic: candidate.topic },
    ...(held ? { status: "review" as const, reviewUntil: reviewUntil(ctx.config, now) } : {}),
  });
  if (item && held) await recordDecision(ctx.db, { accountId: item.accountId, itemId: item.id, decision: "held", actor: candidate.hold ? "system:safety" : "system:review", reason: held, at: now });
  run.history.recentTexts.push({ text: candidate.tweets.join("\n"), at: dueAt, shingles: itemShingles(candidate.tweets).joined });
  run.history.posted.push({ contentHash: contentHash(candidate.tweets, { media: candidate.media }), postedAt: dueAt });
  if (!item) return "duplicate";
  run.first = false;
  run.lastDueAt = dueAt;
  return { id: item.id, source: candidate.source, armId: item.armId, dueAt: dueAt.toISOString(), ...(held ? { status: "review" as const, held } : { status: "queued" as const }) };
}

/** Plans up to `need` items (a pending duplicate is retried, at most `need` extra tries). */
export async function fill(run: RunState, need: number): Promise<{ items: PlannedItem[]; exhausted: boolean }> {
  const items: PlannedItem[] = [];
  for (let tries = 0; items.length < need && tries < need * 2 && !run.ctx.signal.aborted; tries++) {
    const planned = await planOne(run);
    if (planned === null) return { items, exhausted: true };
    if (planned === "duplicate") run.rejected.duplicate = (run.rejected.duplicate ?? 0) + 1;
    else items.push(planned);
  }
  return { items, exhausted: false };
}
