/**
 * The content gates on alt text. Alt text may be up to 1000 characters (x.com's limit,
 * checked when an image enters the library), longer than one tweet, so it is cut at sentence
 * and line ends into tweet-sized parts, and the parts go through the same gate entry point as
 * every candidate ({@link runGates}: the rules of a post — links, mentions, tags, abuse, leaks — and banned phrases), without the
 * near-duplicate gate (alt texts repeat by design).
 */
import { runGates, type GateDecision } from "./gates.js";
import type { RuleOptions } from "./rules.js";
import { checkLength } from "./length.js";

/** Packs sentences into parts that each pass the tweet length check. */
function parts(alt: string): string[] {
  const sentences = alt
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const out: string[] = [];
  for (const sentence of sentences) {
    const last = out[out.length - 1];
    if (last !== undefined && checkLength(`${last} ${sentence}`).success) out[out.length - 1] = `${last} ${sentence}`;
    else if (checkLength(sentence).success) out.push(sentence);
    else for (let i = 0; i < sentence.length; i += 200) out.push(sentence.slice(i, i + 200));
  }
  return out;
}

/** Runs the gates on each alt text; the first rejection names the image's position. */
export async function gateAltTexts(alts: readonly string[], bannedPhrases: readonly string[], rules: RuleOptions): Promise<GateDecision> {
  for (const [i, alt] of alts.entries()) {
    const decision = await runGates({ tweets: parts(alt) }, { recentTexts: [], bannedPhrases, rules });
    if (!decision.success) return { ...decision, reason: `alt text of image ${i + 1}: ${decision.reason}` };
  }
  return { success: true };
}
