/**
 * A SIGKILL of the posting invocation at every step of the protocol: after the claim,
 * after the attempt row, after the click, after the id capture, and before the receipt.
 * Then recovery as production does it (reconcile, then post again) on a clock moved past
 * the attempt lease. Invariants, checked against the sandbox's record of X and the db:
 * no duplicate post, no lost item, every item ends posted, queued or failed with a reason.
 * On both transports: the browser, and the X API v2 (where "after the click" is "the request left").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { enqueue, listItems } from "../../lib/db/queue.js";
import { runJob } from "../../lib/runtime/runner.js";
import { post } from "../../lib/jobs/post.js";
import { reconcile } from "../../lib/jobs/reconcile.js";
import { services } from "../support/env.js";
import { botRuntime, NO_CAPS, TestClock, TRANSPORTS } from "../support/bot.js";
import { runChild } from "../support/child.js";

const STEPS = ["post:after_claim", "post:after_attempt", "post:after_click", "post:after_capture", "post:before_receipt"] as const;
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe.skipIf(!services().postgres).each(TRANSPORTS)("crash at every step of posting (%s transport)", (transport) => {
  it.each(STEPS)(
    "killed at %s: after recovery, no duplicate, nothing lost, every item accounted for",
    async (step) => {
      sandbox.reset();
      const since = Date.now() - 1;
      const rt = await botRuntime("postgres", sandbox, { transport, jobs: [post, reconcile], env: { XBOT_CAPS: NO_CAPS } });
      const deps = await rt.factory();
      const account = deps.config.XBOT_ACCOUNT_ID;
      const texts = [1, 2].map((i) => `crash test ${step} item ${i} ${Math.random().toString(36).slice(2, 7)}`);
      for (const text of texts) await enqueue(deps.clients.sql, { accountId: account, kind: "single", tweets: [text], source: "manual", dueAt: new Date(Date.now() - 60_000) });

      const child = runChild(rt.env, "post", {}, 0, "", JSON.stringify(sandbox.storageState()), step);
      expect(await child.result).toBeNull();
      await sleep(1_000);

      const clock = new TestClock();
      clock.advance(7 * 60_000);
      const later = await (await botRuntime("postgres", sandbox, { jobs: [post, reconcile], clock, env: { ...rt.env } })).factory();
      expect((await runJob(later, { job: "reconcile", trigger: "manual" })).status).toBe("ok");
      for (let i = 0; i < 4; i++) await runJob(later, { job: "post", trigger: "manual", skipLock: true });

      const onX = sandbox.posts().filter((p) => p.author === sandbox.user && p.createdAtMs > since);
      for (const text of texts)
        expect(
          onX.filter((p) => p.text === text),
          `posts of "${text}"`,
        ).toHaveLength(1);
      const items = await listItems(deps.clients.sql, account, { limit: 10 });
      expect(items).toHaveLength(2);
      for (const item of items) {
        expect(["posted", "queued", "failed"]).toContain(item.status);
        if (item.status !== "posted") expect(item.reason).toBeTruthy();
      }
      expect(items.every((i) => i.status === "posted")).toBe(true);
      const created = sandbox.apiCalls().filter((c) => c.endpoint === "POST tweets" && c.status === 201);
      expect(created, "posts created through POST /2/tweets").toHaveLength(transport === "api" ? 2 : 0);
      const receipts = await deps.clients.sql.query<{ tweet_id: string; text: string }>("SELECT tweet_id, text FROM posts");
      expect(receipts.map((r) => r.tweet_id).sort()).toEqual(onX.map((p) => p.id).sort());
      const open = await deps.clients.sql.query("SELECT 1 FROM post_attempts WHERE status = 'open'");
      expect(open).toHaveLength(0);
    },
    120_000,
  );
});
