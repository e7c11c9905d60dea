/**
 * One candidate for one slot: from the LLM on the arm's topic and format when it is usable,
 * else from the evergreen library (the arm's topic first, then any topic). Every candidate
 * passes the gates: length, the rules (links, mentions, tags, abuse, leaks), banned phrases,
 * near-duplicate. The LLM's is compared with the
 * last posts and every pending item; an evergreen post only with what was posted or is due
 * within its reuse window (it may repeat itself after that window, by design).
 * Images: an evergreen post carries the library ids it names; an LLM post on a topic gets one
 * library image tagged with the topic's id, when there is one. The alt text of every image
 * passes the gates too (alt-gates.ts); an evergreen post whose image fails is rejected, an
 * LLM post just goes without that image.
 */
import { pickEvergreen, type EvergreenPost, type PostedRecord } from "../../content/evergreen.js";
import { gateAltTexts } from "../../content/alt-gates.js";
import { runGates, type GateName } from "../../content/gates.js";
import type { MediaInfo } from "../../db/media.js";
import type { RuleOptions } from "../../content/rules.js";
import type { Format } from "../../content/topics.js";
import type { ComparableText } from "../../content/similarity.js";
import type { Arm } from "../../learn/bandit.js";
import type { Logger } from "../../log.js";
import type { PlanContent } from "./content.js";
import type { RecentText } from "../../db/plan-history.js";
import type { LlmAccess } from "./llm-access.js";
import { itemChecks, type ItemChecks, type SafetyGate } from "../safety.js";

/** A gated candidate ready to enqueue; `hold` says why it must wait for review (safety check). */
export interface Candidate {
  readonly tweets: readonly string[];
  readonly source: "llm" | "evergreen";
  readonly topic: string;
  readonly format: Format;
  /** Media library ids per tweet ([] for none). */
  readonly media: readonly (readonly string[])[];
  readonly checks: ItemChecks;
  readonly hold: string | null;
}

/** The media library as plan sees it. */
export interface ImageSource {
  /** Images with this tag. */
  byTag(tag: string): Promise<MediaInfo[]>;
  /** Images with these ids (missing ones left out). */
  byIds(ids: readonly string[]): Promise<MediaInfo[]>;
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
  readonly images: ImageSource;
}

const DAY_MS = 86_400_000;

function reject(input: CandidateInput, gate: GateName, reason: string, source: string): void {
  input.rejected[gate] = (input.rejected[gate] ?? 0) + 1;
  input.log.info("plan candidate rejected", { gate, reason, source, arm: input.arm.armId });
}

/** Texts newest first, with their stored shingles when they have them (the gate then never re-shingles them). */
function textsOf(recent: readonly RecentText[], since = -Infinity): ComparableText[] {
  return [...recent]
    .filter((r) => r.at.getTime() >= since)
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .map((r) => (r.shingles ? { text: r.text, shingles: r.shingles } : r.text));
}

const plain = (texts: readonly ComparableText[]): string[] => texts.map((t) => (typeof t === "string" ? t : t.text));

async function fromLlm(input: CandidateInput): Promise<Candidate | null> {
  const topic = input.content.plan.topics.find((t) => t.id === input.arm.topic);
  if (!topic || input.llm.degraded) return null;
  const format = input.arm.format as Format;
  const recentTexts = textsOf(input.recent);
  const post = await input.llm.generate({ topic, format, recentTexts: plain(recentTexts) });
  if (!post) return null;
  const safetyCheck = input.safety?.check;
  const decision = await runGates({ tweets: post.tweets }, { recentTexts, bannedPhrases: input.content.banned, rules: input.rules, ...(safetyCheck ? { safetyCheck } : {}) });
  if (!decision.success && decision.gate !== "safety") {
    reject(input, decision.gate, decision.reason, "llm");
    return null;
  }
  const candidate = { tweets: post.tweets, source: "llm" as const, topic: topic.id, format, media: await imageFor(input, topic.id), checks: itemChecks(input.safety) };
  return { ...candidate, hold: decision.success ? null : decision.reason };
}

/** One library image tagged with the topic whose alt text passes the gates, on the first tweet; else none. */
async function imageFor(input: CandidateInput, topic: string): Promise<string[][]> {
  const tagged = [...(await input.images.byTag(topic))];
  while (tagged.length > 0) {
    const [image] = tagged.splice(Math.floor(input.random() * tagged.length), 1);
    const decision = await gateAltTexts([image!.altText], input.content.banned, input.rules);
    if (decision.success) return [[image!.id]];
    reject(input, decision.gate, decision.reason, `media:${image!.id}`);
  }
  return [];
}

/** Null when every image of the post exists and its alt text passes the gates, else why not. */
async function mediaProblem(input: CandidateInput, media: readonly (readonly string[])[]): Promise<{ gate?: GateName; reason: string } | null> {
  const ids = [...new Set(media.flat())];
  if (ids.length === 0) return null;
  const found = await input.images.byIds(ids);
  if (found.length !== ids.length) return { reason: `media ${ids.filter((id) => !found.some((f) => f.id === id)).join(", ")} not in the library` };
  const decision = await gateAltTexts(
    found.map((f) => f.altText),
    input.content.banned,
    input.rules,
  );
  return decision.success ? null : decision;
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
    const problem = decision.success ? await mediaProblem(input, post.media ?? []) : decision;
    if (!problem)
      return { tweets: post.tweets, source: "evergreen", topic: post.topic, format: post.format, media: post.media ?? [], checks: { rules: "passed", safety: "not generated" }, hold: null };
    if (problem.gate) reject(input, problem.gate, problem.reason, `evergreen:${post.id}`);
    else input.log.warn("evergreen post skipped: it names images the library does not have (xbot media list)", { post: post.id, reason: problem.reason });
    library = library.filter((p) => p.id !== post.id);
  }
}

/** A gated candidate for the arm's slot, or null when neither the LLM nor the library has one. */
export async function produceCandidate(input: CandidateInput): Promise<Candidate | null> {
  return (await fromLlm(input)) ?? (await fromEvergreen(input));
}
