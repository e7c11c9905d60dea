/**
 * Screening of reply targets before any model sees them: a tweet that carries a link, a
 * solicitation, instructions to the model, or many mentions is scored 0 and skipped with its
 * reason, so a hostile post never reaches the writer (and its injection never reaches the
 * prompt). Matching is on the rules' normalised text (homoglyphs, zero-width, leet in links).
 */
import twitter from "twitter-text";
import { linkRule } from "../content/rules.js";
import { normalizeForRules } from "../content/normalize.js";

/** A screening verdict: ok, or the kind of trouble and a reason to show the operator. */
export type Screening = { readonly ok: true } | { readonly ok: false; readonly flag: "link" | "solicitation" | "instructions" | "mentions"; readonly reason: string };

/** More distinct mentions than this (besides us) mark a target as spam or a pile-on. */
export const MAX_TARGET_MENTIONS = 3;

const INSTRUCTIONS: readonly RegExp[] = [
  /\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|prompts?|rules|guidelines|directions|system)\b/,
  /\b(system|developer|hidden)\s+(prompt|message|instructions?)\b/,
  /\b(reply|respond|answer)\s+(only\s+)?(with|exactly|verbatim)\b/,
  /\b(say|repeat|print|output|write|tweet)\s+(exactly|verbatim|after me|this:)/,
  /\b(print|reveal|show|repeat|tell me|leak)\b.{0,20}\b(your|the)\s+(instructions|prompt|rules|token|key|password|secret)s?\b/,
  /\byou are now\b|\bact as\b|\bpretend (to be|you are)\b|\bjailbreak\b|\bdeveloper mode\b|\bdan mode\b/,
  /<\/?\s*(post|draft|system|instructions?)\s*>/,
  /\bas an? (ai|language model|assistant)\b/,
];

const SOLICITATIONS: readonly RegExp[] = [
  /\b(dm|message|text|whatsapp|telegram|signal)\s+(me|us)\b/,
  /\b(follow|subscribe to|check out)\s+(me|us|my|our)\b/,
  /\b(link|check|see)\s+(in\s+)?(my\s+)?bio\b/,
  /\b(giveaway|airdrop|free\s+(crypto|coins?|tokens?|money|nft)|promo\s+code|discount\s+code|referral|whitelist|presale)\b/,
  /\b(buy|invest|earn|make)\s+.{0,20}\b(now|today|fast|guaranteed|passive income)\b/,
  /\b(click|tap)\s+(here|the link|below)\b/,
];

/** Screens a target tweet's text; `us` is our own handle (a mention of us is normal). */
export function screenTarget(text: string, us: string): Screening {
  const normal = normalizeForRules(text);
  const link = linkRule(text, []);
  if (!link.success) return { ok: false, flag: "link", reason: `target carries a ${link.reason}` };
  const instruction = INSTRUCTIONS.find((p) => p.test(normal));
  if (instruction) return { ok: false, flag: "instructions", reason: `target gives instructions to the model ("${excerpt(normal, instruction)}")` };
  const solicitation = SOLICITATIONS.find((p) => p.test(normal));
  if (solicitation) return { ok: false, flag: "solicitation", reason: `target solicits ("${excerpt(normal, solicitation)}")` };
  const mentions = new Set(
    twitter
      .extractMentions(normal)
      .map((m) => m.toLowerCase())
      .filter((m) => m !== us.toLowerCase()),
  );
  if (mentions.size > MAX_TARGET_MENTIONS) return { ok: false, flag: "mentions", reason: `target mentions ${mentions.size} accounts (more than ${MAX_TARGET_MENTIONS})` };
  return { ok: true };
}

function excerpt(normal: string, pattern: RegExp): string {
  return (pattern.exec(normal)?.[0] ?? "").slice(0, 60);
}

/** Score and status of a found tweet: `base` (recency x source) unless screening skips it. */
export function screenedScore(text: string, us: string, base: number): { score: number; status: "new" | "skipped"; reason: string | null } {
  if (base <= 0) return { score: 0, status: "skipped", reason: "not a root tweet by someone else" };
  const screen = screenTarget(text, us);
  return screen.ok ? { score: base, status: "new", reason: null } : { score: 0, status: "skipped", reason: `screened ${screen.flag}: ${screen.reason}` };
}
