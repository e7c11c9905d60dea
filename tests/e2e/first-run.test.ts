/** The first local start posts at once: an empty database gets plan then post, whatever the hour. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { firstRun } from "../../lib/dev/first-run.js";
import { plan } from "../../lib/jobs/plan.js";
import { post } from "../../lib/jobs/post.js";
import { services } from "../support/env.js";
import { botRuntime } from "../support/bot.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe.skipIf(!services().postgres)("first local start", () => {
  it("on an empty database plans and posts one evergreen item right away; later starts do nothing", async () => {
    const since = Date.now() - 1;
    const rt = await botRuntime("postgres", sandbox, { jobs: [plan, post] });
    const deps = await rt.factory();
    expect(await firstRun(deps)).toEqual(["plan:ok", "post:ok"]);
    // The evergreen pick may be a single or a thread: one root, and every tweet has a receipt.
    const mine = sandbox.posts().filter((p) => p.author === sandbox.user && p.createdAtMs > since);
    const roots = mine.filter((p) => p.inReplyTo === null);
    expect(roots).toHaveLength(1);
    expect(mine.every((p) => p.threadRootId === roots[0]!.id)).toBe(true);
    const receipts = await deps.clients.sql.query<{ tweet_id: string; position: number }>("SELECT tweet_id, position FROM posts ORDER BY position");
    expect(receipts.map((r) => r.tweet_id).sort()).toEqual(mine.map((p) => p.id).sort());
    expect(receipts[0]?.tweet_id).toBe(roots[0]!.id);
    const items = await deps.clients.sql.query<{ status: string }>("SELECT status FROM content_items");
    expect(items.map((i) => i.status)).toContain("posted");
    expect(await firstRun(deps)).toEqual([]);
  }, 120_000);
});
