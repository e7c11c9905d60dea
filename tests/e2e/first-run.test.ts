/** The first local start posts at once: an empty database gets plan then post, whatever the hour. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { firstRun } from "../../lib/dev/first-run.js";
import { plan } from "../../lib/jobs/plan.js";
import { post } from "../../lib/jobs/post.js";
import { services } from "../support/env.js";
import { botRuntime } from "../support/bot.js";

let sandbox: Sandbox;
beforeAll(async () => { sandbox = await createSandbox(); });
afterAll(async () => { await sandbox.close(); });

describe.skipIf(!services().postgres)("first local start", () => {
  it("on an empty database plans and posts one evergreen item right away; later starts do nothing", async () => {
    const since = Date.now() - 1;
    const rt = await botRuntime("postgres", sandbox, { jobs: [plan, post] });
    const deps = await rt.factory();
    expect(await firstRun(deps)).toEqual(["plan:ok", "post:ok"]);
    const mine = sandbox.posts().filter((p) => p.author === sandbox.user && p.createdAtMs > since);
    expect(mine).toHaveLength(1);
    const [receipt] = await deps.clients.sql.query<{ tweet_id: string }>("SELECT tweet_id FROM posts");
    expect(receipt?.tweet_id).toBe(mine[0]!.id);
    expect(await firstRun(deps)).toEqual([]);
  }, 120_000);
});
