/**
 * `npm run bench -- duplicate-gate`: the duplicate gate at its bound (200 recent posts plus 20
 * live items, ~25-word tweets), for a single and a 3-tweet thread, three variants interleaved:
 * today's gate (the old worktree's lib/content/gates.ts, which re-shingles every past text for
 * every part), the new gate over bare strings (shingled once per call: rows stored before
 * migration 011), and the new gate over stored shingles (what plan and replies read now).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { duplicateGate } from "../lib/content/gates.js";
import { shingleHashes } from "../lib/db/shingles.js";
import { MIN_SAMPLES, round, summarise, table } from "./lib/measure.js";
import { oldTree } from "./scale.js";

const ITERATIONS = Math.max(MIN_SAMPLES, 300);
const WORDS =
  "postgres index queue lock skip locked row table vacuum wal replica shard cache latency throughput worker claim lease retry backoff breaker budget token model prompt schema migration".split(" ");

function tweet(seed: number): string {
  const out: string[] = [];
  let x = seed * 2654435761;
  for (let i = 0; i < 25; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]!);
  }
  return out.join(" ");
}

type Gate = (candidate: { tweets: readonly string[] }, recent: readonly unknown[]) => { success: boolean };

/** The section. */
export async function benchDuplicateGate(): Promise<string> {
  const texts = Array.from({ length: 220 }, (_, i) => tweet(i + 1));
  const stored = texts.map((text) => ({ text, shingles: shingleHashes(text) }));
  const tree = oldTree();
  const oldGate = "root" in tree ? ((await import(pathToFileURL(join(tree.root, "lib/content/gates.ts")).href)) as { duplicateGate: Gate }).duplicateGate : null;
  const variants: { name: string; run: (c: { tweets: readonly string[] }) => unknown }[] = [
    ...(oldGate ? [{ name: "today's gate (worktree of 5c71464), bare strings", run: (c: { tweets: readonly string[] }) => oldGate(c, texts) }] : []),
    { name: "new gate, bare strings (rows from before migration 011)", run: (c) => duplicateGate(c, texts) },
    { name: "new gate, stored shingles", run: (c) => duplicateGate(c, stored) },
  ];
  const candidates = { single: { tweets: [tweet(9_001)] }, "3-tweet thread": { tweets: [tweet(9_002), tweet(9_003), tweet(9_004)] } };
  const rows: (string | number)[][] = [];
  for (const [kind, candidate] of Object.entries(candidates)) {
    for (const v of variants) for (let i = 0; i < 20; i++) v.run(candidate); // warm-up (JIT)
    const samples = variants.map(() => [] as number[]);
    for (let i = 0; i < ITERATIONS; i++) {
      for (let k = 0; k < variants.length; k++) {
        const index = (i + k) % variants.length;
        const t = performance.now();
        variants[index]!.run(candidate);
        samples[index]!.push(performance.now() - t);
      }
    }
    variants.forEach((v, i) => {
      const s = summarise(samples[i]!);
      rows.push([kind, v.name, `${s.medianMs < 0.01 ? round(s.medianMs * 1000) / 1000 : s.medianMs} / ${s.p95Ms}`]);
    });
  }
  return [
    "## duplicate-gate",
    "",
    `The duplicate gate at its bound: ${texts.length} texts (the latest 200 posts plus 20 live items), 25-word tweets; a single and a 3-tweet thread ` +
      `(the thread is compared whole and per tweet: 4 parts). ${ITERATIONS} calls per variant after 20 warm-up calls, the variants interleaved in rotating order; ` +
      `ms per candidate, median / p95 (nearest rank). ${"error" in tree ? `Today's gate not measured: ${tree.error}.` : ""} Target: ≤ 1 ms per candidate with stored shingles, for a thread too.`,
    "",
    table(["candidate", "variant", "ms per candidate (median / p95)"], rows),
  ].join("\n");
}
