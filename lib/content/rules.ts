/**
 * The rule gates: they need no model, so a manipulated model cannot talk its way past them.
 * Each reads the normalised text (normalize.ts) and returns a decision with its reason:
 *   link    - no link unless its domain (or a parent domain) is in the operator allowlist
 *   mention - no @mention in a post; in a reply only the author replied to
 *   tags    - at most one hashtag; no cashtag unless allowed
 *   abuse   - the `obscenity` English slur/abuse dataset (leet, spacing and homoglyphs folded)
 *   leak    - no configured secret, no token-looking string, no run of our own instructions
 */
import twitter from "twitter-text";
import { findAbuse } from "./abuse.js";
import { findInstructionLeak, findSecret, findTokenLike } from "./leaks.js";
import { deobfuscate, normalizeForRules } from "./normalize.js";

/** Names of the rule gates. */
export type RuleName = "link" | "mention" | "tags" | "abuse" | "leak";

/** A rule decision. */
export type RuleDecision = { readonly success: true } | { readonly success: false; readonly gate: RuleName; readonly reason: string };

/** What the rules need to know about the candidate and the operator's settings. */
export interface RuleOptions {
  readonly kind: "post" | "reply";
  /** The handle of the author a reply answers (without @). */
  readonly replyTo?: string | undefined;
  /** Domains links may point to (XBOT_LINK_DOMAINS); empty: no links at all. */
  readonly linkDomains: readonly string[];
  /** Whether cashtags ($TSLA) are allowed (XBOT_ALLOW_CASHTAGS). */
  readonly allowCashtags: boolean;
  /** Configured secret values that must never be published. */
  readonly secrets: readonly string[];
  /** Texts of our own instructions to the model. */
  readonly instructions: readonly string[];
}

const fail = (gate: RuleName, reason: string): RuleDecision => ({ success: false, gate, reason });

function hostOf(url: string): string {
  return url
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .split(/[/?#:]/)[0]!
    .replace(/\.$/, "");
}

/** Links: any URL or bare domain, also disguised, whose host is not allowlisted. */
export function linkRule(text: string, allow: readonly string[]): RuleDecision {
  const normal = deobfuscate(normalizeForRules(text));
  const urls = twitter.extractUrls(normal);
  if (urls.length === 0 && /\b(?:https?:\/\/|www\.)\S/.test(normal)) return fail("link", "contains a link");
  for (const url of urls) {
    const host = hostOf(url);
    if (!allow.some((d) => host === d || host.endsWith(`.${d}`))) return fail("link", `link to ${host} (not in XBOT_LINK_DOMAINS)`);
  }
  return { success: true };
}

/** Mentions: none in a post; in a reply only `replyTo`. */
export function mentionRule(text: string, options: Pick<RuleOptions, "kind" | "replyTo">): RuleDecision {
  const allowed = options.kind === "reply" && options.replyTo ? options.replyTo.toLowerCase() : null;
  const other = twitter.extractMentions(normalizeForRules(text)).find((m) => m.toLowerCase() !== allowed);
  if (other === undefined) return { success: true };
  return fail("mention", options.kind === "post" ? `mentions @${other} (no mentions in posts)` : `mentions @${other}, not the author replied to`);
}

/** Hashtags (at most one in the whole candidate) and cashtags (none unless allowed). */
export function tagRule(text: string, allowCashtags: boolean): RuleDecision {
  const normal = normalizeForRules(text);
  const hashtags = twitter.extractHashtags(normal);
  if (hashtags.length > 1) return fail("tags", `${hashtags.length} hashtags (at most 1)`);
  const cashtags = twitter.extractCashtags(normal);
  if (cashtags.length > 0 && !allowCashtags) return fail("tags", `cashtag $${cashtags[0]} (XBOT_ALLOW_CASHTAGS is off)`);
  return { success: true };
}

/** Abuse: a slur or abuse word of the shipped dataset. */
export function abuseRule(text: string): RuleDecision {
  const word = findAbuse(text);
  return word === null ? { success: true } : fail("abuse", `abusive term "${word}"`);
}

/** Leaks: a configured secret, a token-looking string, or our instructions. Never echoes the secret. */
export function leakRule(text: string, options: Pick<RuleOptions, "secrets" | "instructions">): RuleDecision {
  if (findSecret(text, options.secrets)) return fail("leak", "contains a configured secret");
  const token = findTokenLike(text);
  if (token) return fail("leak", `contains a token-looking string (${token})`);
  if (findInstructionLeak(text, options.instructions)) return fail("leak", "repeats our instructions to the model");
  return { success: true };
}

/** Runs every rule over the candidate's text (tweets joined) and returns the first failure. */
export function runRules(tweets: readonly string[], options: RuleOptions): RuleDecision {
  const text = tweets.join("\n");
  const rules = [() => leakRule(text, options), () => linkRule(text, options.linkDomains), () => mentionRule(text, options), () => tagRule(text, options.allowCashtags), () => abuseRule(text)];
  for (const rule of rules) {
    const decision = rule();
    if (!decision.success) return decision;
  }
  return { success: true };
}
