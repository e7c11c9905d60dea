/**
 * Quality gates every candidate passes before it is queued: the rules first (leak, link,
 * mention, tags, abuse; rules.ts, always on, so the recorded reason is the most serious one)
 * -> length (every tweet) -> banned phrases -> near-duplicate -> optional safety check.
 * Gates return decisions; they never throw for a rejected candidate. An injected safety
 * check that fails (e.g. the LLM is down) propagates its error to the caller.
 */
import { findBannedPhrase } from "./banned.js";
import { checkLength } from "./length.js";
import { runRules, type RuleName, type RuleOptions } from "./rules.js";
import { DEFAULT_SIMILARITY_THRESHOLD, mostSimilarShingled, toShingled, type ComparableText } from "./similarity.js";

/** Names of the gates. */
export type GateName = "length" | RuleName | "banned" | "duplicate" | "safety";

/** The outcome of {@link runGates}. */
export type GateDecision = { readonly success: true } | { readonly success: false; readonly gate: GateName; readonly reason: string };

/** A safety verdict (an LLM or a rule set decides). */
export interface SafetyVerdict {
  readonly success: boolean;
  readonly reason?: string;
}

/** An injected safety check over the candidate's full text. */
export type SafetyCheck = (text: string) => Promise<SafetyVerdict>;

/** What is checked: the tweets of a single (one) or a thread (several). */
export interface Candidate {
  readonly tweets: readonly string[];
}

/** Inputs of the gates. */
export interface GateOptions {
  /** Texts of recent posts AND queued items (single tweets or joined threads), best with their stored shingles. */
  readonly recentTexts: readonly ComparableText[];
  /** The rule gates' settings (required: the rules are always on). */
  readonly rules: RuleOptions;
  /** Operator's banned phrases. */
  readonly bannedPhrases: readonly string[];
  /** Similarity at or above which a candidate is a near-duplicate. Default 0.6. */
  readonly similarityThreshold?: number;
  /** Optional async safety check, run last. */
  readonly safetyCheck?: SafetyCheck;
}

/** Checks each tweet's weighted length. */
export function lengthGate(candidate: Candidate): GateDecision {
  if (candidate.tweets.length === 0) return { success: false, gate: "length", reason: "no tweets" };
  for (const [i, tweet] of candidate.tweets.entries()) {
    const check = checkLength(tweet);
    if (!check.success) return { success: false, gate: "length", reason: `tweet ${i + 1}: ${check.reason}` };
  }
  return { success: true };
}

/** Rejects a candidate containing a banned phrase. */
export function bannedGate(candidate: Candidate, bannedPhrases: readonly string[]): GateDecision {
  for (const tweet of candidate.tweets) {
    const phrase = findBannedPhrase(tweet, bannedPhrases);
    if (phrase !== null) return { success: false, gate: "banned", reason: `contains banned phrase "${phrase}"` };
  }
  return { success: true };
}

/**
 * Rejects a near-duplicate: the whole candidate, and each tweet of a thread, against every
 * recent text (bigram-shingle Jaccard, see similarity.ts). Texts with stored shingles are not
 * re-shingled; bare strings are shingled once per call (not once per part).
 */
export function duplicateGate(candidate: Candidate, recentTexts: readonly ComparableText[], threshold = DEFAULT_SIMILARITY_THRESHOLD): GateDecision {
  const parts = candidate.tweets.length > 1 ? [candidate.tweets.join("\n"), ...candidate.tweets] : [...candidate.tweets];
  const others = toShingled(recentTexts);
  for (const part of parts) {
    const best = mostSimilarShingled(part, others);
    if (best && best.similarity >= threshold) {
      const preview = best.text.length > 60 ? `${best.text.slice(0, 57)}...` : best.text;
      return { success: false, gate: "duplicate", reason: `similarity ${best.similarity.toFixed(2)} >= ${threshold} with "${preview}"` };
    }
  }
  return { success: true };
}

/** Runs every gate in order and returns the first rejection, or success. */
export async function runGates(candidate: Candidate, options: GateOptions): Promise<GateDecision> {
  const sync = [
    () => runRules(candidate.tweets, options.rules),
    () => lengthGate(candidate),
    () => bannedGate(candidate, options.bannedPhrases),
    () => duplicateGate(candidate, options.recentTexts, options.similarityThreshold),
  ];
  for (const gate of sync) {
    const decision = gate();
    if (!decision.success) return decision;
  }
  if (!options.safetyCheck) return { success: true };
  const verdict = await options.safetyCheck(candidate.tweets.join("\n\n"));
  return verdict.success ? { success: true } : { success: false, gate: "safety", reason: verdict.reason ?? "rejected by the safety check" };
}
