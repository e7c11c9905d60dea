/** Matching a tweet as X shows it with the text we posted (lib/x/text.ts). */
import { describe, expect, it } from "vitest";
import { canonicalText, decodeEntities, sameTweetText } from "../../lib/x/text.js";

describe("sameTweetText", () => {
  it("matches across t.co links, HTML entities, whitespace, case and emoji variation selectors", () => {
    expect(sameTweetText({ text: "Read this https://t.co/AbCdEf1234  &amp; tell me\n\n❤️" }, "Read this https://example.com/a/very/long/path & tell me ❤")).toBe(true);
    expect(sameTweetText({ text: "Postgres &lt;3 indexes" }, "postgres <3 indexes")).toBe(true);
  });

  it("a truncated reading matches as a prefix, never a short or different one", () => {
    const ours = "A long post about vacuum, autovacuum thresholds, bloat and why your index scans slow down over time.";
    expect(sameTweetText({ text: "A long post about vacuum, autovacuum thresholds…", truncated: true }, ours)).toBe(true);
    expect(sameTweetText({ text: "A long post about vacuum, autovacuum thresholds…", truncated: false }, ours)).toBe(false);
    expect(sameTweetText({ text: "A long", truncated: true }, ours)).toBe(false);
    expect(sameTweetText({ text: "A long post about checkpoints and WAL settings…", truncated: true }, ours)).toBe(false);
  });

  it("a dropped emoji is a different text (the DOM reader must keep img alt)", () => {
    expect(sameTweetText({ text: "Shipped it " }, "Shipped it 🚀")).toBe(false);
  });

  it("decodes only X's entities", () => {
    expect(decodeEntities("a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; &nbsp;")).toBe(`a & b <c> "d" 'e' &nbsp;`);
    expect(canonicalText("  Hello\u200b   WORLD  ")).toBe("hello world");
  });
});
