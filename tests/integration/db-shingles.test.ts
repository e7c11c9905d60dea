/**
 * The duplicate gate's shingles are stored with the text by the write paths (enqueue,
 * recordReceipt, recordGhost) and read back with it, so the gate never re-shingles history.
 */
import { describe, expect, it } from "vitest";
import { openAttempt } from "../../lib/db/attempts.js";
import { recentTexts, recordGhost, recordReceipt } from "../../lib/db/posts.js";
import { claimDue, enqueue } from "../../lib/db/queue.js";
import { shingleHashes } from "../../lib/db/shingles.js";
import { loadPlanHistory } from "../../lib/db/plan-history.js";
import { services } from "../support/env.js";
import { postgresSql } from "../support/stores.js";

describe.skipIf(!services().postgres)("stored shingles", () => {
  it("are written with each text and read back with it", async () => {
    const sql = await postgresSql();
    const now = new Date();
    const thread = ["first tweet of a thread on indexes", "second tweet about partial indexes", "third and last"];
    const item = await enqueue(sql, { accountId: "default", kind: "thread", tweets: thread, source: "manual", dueAt: new Date(now.getTime() - 1000) });
    await enqueue(sql, { accountId: "default", kind: "single", tweets: ["a queued single about vacuum"], source: "manual", dueAt: new Date(now.getTime() + 3_600_000) });
    const claimed = await claimDue(sql, "default", "run-1", now);
    expect(claimed?.id).toBe(item!.id);
    const attempt = await openAttempt(sql, claimed!, { runId: "run-1", mode: "live", startedAt: now, leaseUntil: new Date(now.getTime() + 60_000) });
    await recordReceipt(sql, claimed!, { attemptId: attempt.id, tweetIds: ["101", "102", "103"], postedAt: now, origin: "bot" });
    await recordGhost(sql, "default", { id: "200", text: "a ghost we never stored", time: now }, now);

    const [nulls] = await sql.query<{ posts: number; items: number }>(
      "SELECT (SELECT count(*)::int FROM posts WHERE shingles IS NULL) AS posts, (SELECT count(*)::int FROM content_items WHERE shingles IS NULL) AS items",
    );
    expect(nulls).toEqual({ posts: 0, items: 0 });
    const texts = await recentTexts(sql, "default");
    expect(texts.map((t) => t.text).sort()).toEqual([...thread, "a ghost we never stored", "a queued single about vacuum"].sort());
    for (const t of texts) expect(t.shingles).toEqual(shingleHashes(t.text));

    const history = await loadPlanHistory(sql, "default", now, { recentPosts: 50, minDays: 30 });
    expect(history.recentTexts.length).toBe(5);
    for (const t of history.recentTexts) expect(t.shingles).toEqual(shingleHashes(t.text));
    // A row from before migration 011 (no stored shingles) is shingled on read.
    await sql.query("UPDATE posts SET shingles = NULL WHERE tweet_id = '200'");
    expect((await recentTexts(sql, "default")).find((t) => t.text.startsWith("a ghost"))?.shingles).toEqual(shingleHashes("a ghost we never stored"));
  }, 60_000);
});
