import { describe, expect, it, vi } from "vitest";
import { findBannedPhrase } from "../../lib/content/banned.js";
import { duplicateGate, runGates } from "../../lib/content/gates.js";
import { checkLength, weightedLength } from "../../lib/content/length.js";
import { textSimilarity, tokens } from "../../lib/content/similarity.js";

const RECENT = "You may not need a message broker. In Postgres, SELECT FOR UPDATE SKIP LOCKED lets many workers claim jobs from a table without handing one job to two of them.";
const rules = { kind: "post" as const, linkDomains: [], allowCashtags: false, secrets: [], instructions: [] };
const base = { recentTexts: [RECENT], bannedPhrases: ["delve", "link in bio", "game-changer"], rules };

describe("checkLength (X weighted length)", () => {
  it("counts every URL as 23 whatever its length", () => {
    const url = `https://example.com/${"a".repeat(200)}`;
    expect(weightedLength(`read ${url}`)).toBe(5 + 23);
    const text = `${"x".repeat(250)} ${url}`;
    expect(text.length).toBeGreaterThan(280);
    expect(checkLength(text)).toEqual({ success: true, weightedLength: 274 });
  });

  it("rejects over 280 weighted (CJK counts 2) and empty text", () => {
    expect(checkLength("x".repeat(280)).success).toBe(true);
    expect(checkLength("x".repeat(281))).toMatchObject({ success: false, reason: "weighted length 281 > 280" });
    expect(checkLength("日".repeat(141))).toMatchObject({ success: false, weightedLength: 282 });
    expect(checkLength("   ")).toMatchObject({ success: false, reason: "empty tweet" });
  });
});

describe("banned phrases", () => {
  it("matches case-insensitively on word boundaries only", () => {
    expect(findBannedPhrase("Let's DELVE into indexes", base.bannedPhrases)).toBe("delve");
    expect(findBannedPhrase("He delved into indexes", base.bannedPhrases)).toBeNull();
    expect(findBannedPhrase("Full guide: Link  in\nBio", base.bannedPhrases)).toBe("link in bio");
    expect(findBannedPhrase("a real Game-Changer.", base.bannedPhrases)).toBe("game-changer");
    expect(findBannedPhrase("the unbundled result", ["bundle"])).toBeNull();
  });
});

describe("near-duplicate similarity (bigram-shingle Jaccard)", () => {
  it("normalises case, punctuation and URLs", () => {
    expect(tokens("Read THIS: https://www.example.com/x?y=1 — node.js, ok!")).toEqual(["read", "this", "example.com", "node.js", "ok"]);
  });

  it("scores a lightly edited copy high and a different post on the same topic low", () => {
    const edited = "You might not need a message broker! In Postgres, `SELECT ... FOR UPDATE SKIP LOCKED` lets many workers claim jobs from a table without handing one job to two of them.";
    const sameTopic = "Postgres can be your job queue: claim work with SKIP LOCKED, keep the payload small, and index (status, due_at) so workers never scan the table.";
    const edit = textSimilarity(edited, RECENT);
    const other = textSimilarity(sameTopic, RECENT);
    console.log(`similarity: lightly edited copy ${edit.toFixed(3)}, same-topic different post ${other.toFixed(3)}`);
    expect(edit).toBeGreaterThanOrEqual(0.6);
    expect(other).toBeLessThan(0.3);
  });

  it("rejects a thread one of whose tweets repeats a recent post", () => {
    const thread = { tweets: ["Queues in the database, part two.", RECENT.toUpperCase()] };
    expect(duplicateGate(thread, [RECENT])).toMatchObject({ success: false, gate: "duplicate" });
    expect(duplicateGate({ tweets: ["Totally new idea about naming tests."] }, [RECENT])).toEqual({ success: true });
  });
});

describe("runGates", () => {
  it("passes a clean candidate and runs the safety check last", async () => {
    const safetyCheck = vi.fn(async () => ({ success: true }));
    expect(await runGates({ tweets: ["Name tests after behaviour, not functions."] }, { ...base, safetyCheck })).toEqual({ success: true });
    expect(safetyCheck).toHaveBeenCalledWith("Name tests after behaviour, not functions.");
  });

  it("returns the first failing gate as a decision, without calling the safety check", async () => {
    const safetyCheck = vi.fn(async () => ({ success: true }));
    expect(await runGates({ tweets: ["ok", "y".repeat(300)] }, { ...base, safetyCheck })).toMatchObject({ success: false, gate: "length", reason: expect.stringContaining("tweet 2") });
    expect(await runGates({ tweets: ["Let us delve in."] }, { ...base, safetyCheck })).toMatchObject({ success: false, gate: "banned" });
    expect(await runGates({ tweets: [RECENT] }, { ...base, safetyCheck })).toMatchObject({ success: false, gate: "duplicate" });
    expect(await runGates({ tweets: [] }, base)).toMatchObject({ success: false, gate: "length" });
    expect(safetyCheck).not.toHaveBeenCalled();
  });

  it("honours a configured threshold and reports a safety rejection", async () => {
    const near = "You may not need a message broker at all. Postgres has SKIP LOCKED for claiming jobs.";
    const sim = textSimilarity(near, RECENT);
    expect(await runGates({ tweets: [near] }, { ...base, similarityThreshold: sim })).toMatchObject({ success: false, gate: "duplicate" });
    expect(await runGates({ tweets: [near] }, { ...base, similarityThreshold: Math.min(1, sim + 0.01) })).toEqual({ success: true });
    const unsafe = async () => ({ success: false, reason: "names a real person" });
    expect(await runGates({ tweets: ["Fine text."] }, { ...base, safetyCheck: unsafe })).toEqual({ success: false, gate: "safety", reason: "names a real person" });
  });
});
