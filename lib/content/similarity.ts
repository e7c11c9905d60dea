/**
 * Near-duplicate detection for short texts: Jaccard similarity of word-bigram shingles
 * over normalised tokens.
 *
 * Normalisation: NFKC, lowercase, URLs reduced to their host, @mentions and #hashtags
 * kept as words, every other non-letter/non-digit character dropped. Shingles are
 * consecutive word pairs (single words when a text has fewer than two words), so word
 * ORDER matters: a lightly edited copy (case, punctuation, a word or two changed) of a
 * 25-word tweet keeps a Jaccard of about 0.7-0.9, while two different tweets on the same
 * topic share few bigrams (usually < 0.2) even when they share keywords. It does not
 * catch a paraphrase that rewrites every phrase; that would need embeddings.
 */

/** Default threshold: a similarity at or above it is a near-duplicate. */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.6;

export { shingleHashes, shingles, tokens } from "../db/shingles.js";
import { shingleHashes, shingles } from "../db/shingles.js";

/** A text with its shingle hashes (as stored with it, or computed once). */
export interface ShingledText {
  readonly text: string;
  readonly shingles: readonly number[];
}

/** A text as the gate compares it; a bare string is shingled once per gate call. */
export type ComparableText = string | ShingledText;

/** Shingles each bare string once; stored ones are used as they are. */
export function toShingled(texts: readonly ComparableText[]): ShingledText[] {
  return texts.map((t) => (typeof t === "string" ? { text: t, shingles: shingleHashes(t) } : t));
}

/** Jaccard similarity of two sorted distinct hash lists (a merge, no allocation). */
export function jaccardSorted(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! === b[j]!) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

/** The most similar of precomputed `others` to `text`, or null when there are none. */
export function mostSimilarShingled(text: string, others: readonly ShingledText[]): { text: string; similarity: number } | null {
  const mine = shingleHashes(text);
  let best: { text: string; similarity: number } | null = null;
  for (const other of others) {
    const similarity = jaccardSorted(mine, other.shingles);
    if (!best || similarity > best.similarity) best = { text: other.text, similarity };
  }
  return best;
}

/** Jaccard similarity of two sets, in [0, 1]; two empty sets are 0 (nothing to match). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Similarity of two texts in [0, 1] (bigram-shingle Jaccard). */
export function textSimilarity(a: string, b: string): number {
  return jaccard(shingles(a), shingles(b));
}

/** The most similar of `others` to `text`, or null when there are none. */
export function mostSimilar(text: string, others: readonly string[]): { text: string; similarity: number } | null {
  const mine = shingles(text);
  let best: { text: string; similarity: number } | null = null;
  for (const other of others) {
    const similarity = jaccard(mine, shingles(other));
    if (!best || similarity > best.similarity) best = { text: other, similarity };
  }
  return best;
}
