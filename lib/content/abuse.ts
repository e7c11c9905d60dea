/**
 * The abuse word list: the English dataset of `obscenity` (slurs, sexual and abusive terms,
 * with its recommended transformers for leet-speak, repeated letters and confusables;
 * https://github.com/jo3-l/obscenity). It is matched on the rules' normalised text and on
 * that text with spaced-out letters joined, so "n1gg3r", "ｆａｇ" and "f a g" all match.
 */
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from "obscenity";
import { collapseSpacedLetters, normalizeForRules } from "./normalize.js";

let matcher: RegExpMatcher | null = null;

function getMatcher(): RegExpMatcher {
  matcher ??= new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  return matcher;
}

/** The dataset word matched in `text`, or null. */
export function findAbuse(text: string): string | null {
  const normal = normalizeForRules(text);
  // The one-letter words "a" and "i" are dropped in the last variant so "a f a g" still joins.
  for (const variant of [normal, collapseSpacedLetters(normal), collapseSpacedLetters(normal.replace(/(^|\s)[ai](?=\s)/g, "$1"))]) {
    const [match] = getMatcher().getAllMatches(variant, true);
    if (match) return englishDataset.getPayloadWithPhraseMetadata(match).phraseMetadata?.originalWord ?? "listed term";
  }
  return null;
}
