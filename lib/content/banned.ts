/**
 * The operator's banned phrases (content/banned.json): matched case-insensitively on
 * word boundaries, so "delve" bans "Delve into" but not "delved"; whitespace inside a
 * phrase matches any run of whitespace.
 */
import { z } from "zod";
import { loadOperatorJson } from "./json-file.js";

const bannedSchema = z.object({ phrases: z.array(z.string().trim().min(1).max(200)).max(1000) });

/** Reads and validates content/banned.json: `{ "phrases": string[] }`. */
export async function loadBannedPhrases(path: string): Promise<string[]> {
  return (await loadOperatorJson(path, bannedSchema)).phrases;
}

function phrasePattern(phrase: string): RegExp {
  const body = phrase
    .normalize("NFKC")
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("\\s+");
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, "iu");
}

/** The first banned phrase found in `text`, or null. */
export function findBannedPhrase(text: string, phrases: readonly string[]): string | null {
  const normal = text.normalize("NFKC").replace(/[\u2018\u2019]/g, "'");
  for (const phrase of phrases) {
    if (phrasePattern(phrase.replace(/[\u2018\u2019]/g, "'")).test(normal)) return phrase;
  }
  return null;
}
