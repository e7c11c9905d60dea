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

/** Lowercased word tokens of a text (see the module doc for the rules). */
export function tokens(text: string): string[] {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/https?:\/\/(?:www\.)?([^\s/?#]+)\S*/g, " $1 ")
    .replace(/[^\p{L}\p{N}@#\s.]/gu, " ")
    .replace(/(?<![\p{L}\p{N}])\.|\.(?![\p{L}\p{N}])/gu, " ")
    .split(/\s+/)
    .filter((t) => t.length > 0);
}

/** The shingle set of a text: word bigrams, or single words for texts under two words. */
export function shingles(text: string): Set<string> {
  const words = tokens(text);
  if (words.length < 2) return new Set(words);
  const set = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) set.add(`${words[i]} ${words[i + 1]}`);
  return set;
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
