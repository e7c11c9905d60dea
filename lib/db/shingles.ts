/**
 * The stored form of a text for the duplicate gate: its word-bigram shingles as sorted,
 * distinct 32-bit FNV-1a hashes, computed ONCE when the text is stored (posts.shingles,
 * content_items.shingles) so the gate never re-shingles history. Tokenisation rules are in
 * lib/content/similarity.ts's module doc. A hash collision can only raise a similarity by one
 * shared shingle; over the gate's window (about 200 texts of ~25 shingles) that is negligible.
 */

/** Lowercased word tokens of a text: NFKC, URLs reduced to their host, @mentions and #hashtags kept, other non-word characters dropped. */
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

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** The shingles of a text as sorted distinct signed 32-bit hashes (fits Postgres int[]). */
export function shingleHashes(text: string): number[] {
  return [...new Set([...shingles(text)].map(fnv1a))].sort((a, b) => a - b);
}

/** Stored shingles of a content item: of its tweets joined by "\n" (how plan compares threads), and of each tweet (how replies compare). */
export interface ItemShingles {
  readonly joined: number[];
  readonly tweets: number[][];
}

/** {@link ItemShingles} of an item's tweets. */
export function itemShingles(tweets: readonly string[]): ItemShingles {
  return { joined: shingleHashes(tweets.join("\n")), tweets: tweets.map(shingleHashes) };
}

/** A stored text with its shingle hashes. */
export interface StoredText {
  readonly text: string;
  readonly shingles: readonly number[];
}
