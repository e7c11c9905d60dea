/**
 * One candidate for one slot: from the LLM on the arm's topic and format when it is usable,
 * else from the evergreen library (the arm's topic first, then any topic). Every candidate
 * passes the gates: length, the rules (links, mentions, tags, abuse, leaks), banned phrases,
 * near-duplicate. The LLM's is compared with the
 * last posts and every pending item; an evergreen post only with what was posted or is due
 * within its reuse window (it may repeat itself after that window, by design).
 */
import { pickEvergreen, type EvergreenPost, type PostedRecord } from "../../content/evergreen.js";
import { runGates, type GateName } from "../../content/gates.js";
import type { RuleOptions } from "../../content/rules.js";
import type { Format } from "../../content/topics.js";
import type { Arm } from "../../learn/bandit.js";
import type { Logger } from "../../log.js";
import type { PlanContent } from "./content.js";
import type { RecentText } from "./history.js";
import type { LlmAccess } from "./llm-access.js";
import { itemChecks, type ItemChecks, type SafetyGate } from "../safety.js";

/** A gated candidate ready to enqueue; `hold` says why it must wait for review (safety check). */
export interface Candidate {
  readonly tweets: readonly string[];
  readonly source: "llm" | "evergreen";
  readonly topic: string;
  readonly format: Format;
  readonly checks: ItemChecks;
  readonly hold: string | null;
}

/** What producing a candidate reads and updates. */
export interface CandidateInput {
  readonly arm: Arm;
  readonly content: PlanContent;
  readonly llm: LlmAccess;
  readonly recent: readonly RecentText[];
  readonly posted: readonly PostedRecord[];
  readonly now: Date;
  readonly evergreenMinDays: number;
  readonly random: () => number;
  /** The rule gates' settings for a post. */
  readonly rules: RuleOptions;
  /** The LLM safety check, when an LLM is configured. */
  readonly safety: SafetyGate | null;
  /** Rejections by gate, incremented here. */
  readonly rejected: Partial<Record<GateName, number>>;
  readonly log: Logger;
}

const DAY_MS = 86_400_000;

function reject(input: CandidateInput, gate: GateName, reason: string, source: string): void {
  input.rejected[gate] = (input.rejected[gate] ?? 0) + 1;
  input.log.info("plan candidate rejected", { gate, reason, source, arm: input.arm.armId });
}

/** Texts newest first. */
function textsOf(recent: readonly RecentText[], since = -Infinity): string[] {
  return [...recent].filter((r) => r.at.getTime() >= since).sort((a, b) => b.at.getTime() - a.at.getTime()).map((r) => r.text);
}

async function fromLlm(input: CandidateInput): Promise<Candidate | null> {
  const topic = input.content.plan.topics.find((t) => t.id === input.arm.topic);
  if (!topic || input.llm.degraded) return null;
  const format = input.arm.format as Format;
  const recentTexts = textsOf(input.recent);
  const post = await input.llm.generate({ topic, format, recentTexts });
  if (!post) return null;
  const safetyCheck = input.safety?.check;
  const decision = await runGates({ tweets: post.tweets }, { recentTexts, bannedPhrases: input.content.banned, rules: input.rules, ...(safetyCheck ? { safetyCheck } : {}) });
  const candidate = { tweets: post.tweets, source: "llm" as const, topic: topic.id, format, checks: itemChecks(input.safety) };
  if (decision.success) return { ...candidate, hold: null };
  if (decision.gate === "safety") return { ...candidate, hold: decision.reason };
  reject(input, decision.gate, decision.reason, "llm");
  return null;
}

function pick(input: CandidateInput, library: readonly EvergreenPost[]): EvergreenPost | null {
  const options = { library, recentlyPosted: input.posted, now: input.now, minDaysBetween: input.evergreenMinDays, random: input.random };
  return pickEvergreen({ ...options, topic: input.arm.topic }) ?? pickEvergreen(options);
}

async function fromEvergreen(input: CandidateInput): Promise<Candidate | null> {
  const texts = textsOf(input.recent, input.now.getTime() - input.evergreenMinDays * DAY_MS);
  let library = input.content.library;
  for (;;) {
    const post = pick(input, library);
    if (!post) return null;
    const decision = await runGates({ tweets: post.tweets }, { recentTexts: texts, bannedPhrases: input.content.banned, rules: input.rules });
    if (decision.success) return { tweets: post.tweets, source: "evergreen", topic: post.topic, format: post.format, checks: { rules: "passed", safety: "not generated" }, hold: null };
    reject(input, decision.gate, decision.reason, `evergreen:${post.id}`);
    library = library.filter((p) => p.id !== post.id);
  }
}

/** A gated candidate for the arm's slot, or null when neither the LLM nor the library has one. */
export async function produceCandidate(input: CandidateInput): Promise<Candidate | null> {
  return (await fromLlm(input)) ?? (await fromEvergreen(input));
}
