/**
 * Stored shingles: the hashed, sorted form computed once per text gives the same similarity
 * as shingling both texts, so the duplicate gate decides the same with stored shingles.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { duplicateGate } from "../../lib/content/gates.js";
import { jaccardSorted, shingleHashes, textSimilarity } from "../../lib/content/similarity.js";
import { itemShingles } from "../../lib/db/shingles.js";

const word = fc.constantFrom("postgres", "index", "queue", "lock", "skip", "locked", "row", "table", "vacuum", "wal", "replica", "#db", "@neon", "Node.js", "https://example.com/x");
const text = fc.array(word, { minLength: 0, maxLength: 30 }).map((w) => w.join(" "));

describe("stored shingles", () => {
  it("hash-merge Jaccard equals set Jaccard of the texts", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(jaccardSorted(shingleHashes(a), shingleHashes(b))).toBeCloseTo(textSimilarity(a, b), 12);
      }),
      { numRuns: 500 },
    );
  });

  it("hashes are sorted, distinct 32-bit integers", () => {
    const h = shingleHashes("a b a b a b c d");
    expect(h).toEqual([...new Set(h)].sort((x, y) => x - y));
    expect(h).toHaveLength(4); // "a b", "b a", "b c", "c d"
    for (const x of h) expect(x).toBe(x | 0);
  });

  it("the gate decides the same with stored shingles as with bare texts, for singles and threads", () => {
    const recent = ["You may not need a message broker: SELECT FOR UPDATE SKIP LOCKED lets workers claim jobs from a table", "vacuum keeps the table small"];
    const stored = recent.map((t) => ({ text: t, shingles: shingleHashes(t) }));
    const copy = { tweets: ["you may not need a MESSAGE broker. SELECT FOR UPDATE SKIP LOCKED lets many workers claim jobs from a table"] };
    const thread = { tweets: ["a new thread on replicas", "vacuum keeps the table small", "the end"] };
    const fresh = { tweets: ["replicas lag when the WAL piles up"] };
    for (const c of [copy, thread, fresh]) expect(duplicateGate(c, stored)).toEqual(duplicateGate(c, recent));
    expect(duplicateGate(copy, stored).success).toBe(false);
    expect(duplicateGate(thread, stored).success).toBe(false);
    expect(duplicateGate(fresh, stored).success).toBe(true);
    expect(itemShingles(thread.tweets)).toEqual({ joined: shingleHashes(thread.tweets.join("\n")), tweets: thread.tweets.map(shingleHashes) });
  });
});
