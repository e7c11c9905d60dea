/**
 * Two heal runs at once over one attempt stuck past its lease, on each state store (real
 * Postgres, Redis, the sandbox X through the API transport). The runner's heal lock normally
 * keeps two heal runs apart; here both bodies run (skipLock) with two browser slots free, so
 * only heal's own reconcile admission can stop the second: the breakers' check, the reconcile
 * lock and the slot are ONE atomic admit. Run A is held at its reconcile step (a fault
 * checkpoint) while run B runs: B must be refused, A reconciles the item, and it ends with one receipt.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { openAttempt } from "../../lib/db/attempts.js";
import { claimDue, enqueue, queueCounts } from "../../lib/db/queue.js";
import { heal } from "../../lib/jobs/heal.js";
import { post } from "../../lib/jobs/post.js";
import { reconcile } from "../../lib/jobs/reconcile.js";
import { runJob } from "../../lib/runtime/runner.js";
import { botRuntime, NO_CAPS, TestClock } from "../support/bot.js";
import { services } from "../support/env.js";
import type { StoreKind } from "../support/runtime.js";

const jobs = [post, reconcile, heal];
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe.each(["postgres", "redis"] as const satisfies readonly StoreKind[])("heal's reconcile step on the %s state store", (store) => {
  it.skipIf(!services()[store])(
    "two heal runs racing over one stuck attempt: one reconciles it, the other skips (the reconcile lock, taken with the slot)",
    async () => {
      sandbox.reset();
      const env = { XBOT_CAPS: NO_CAPS, XBOT_BROWSER_SLOTS: "2" };
      const rt = await botRuntime(store, sandbox, { transport: "api", jobs, env });
      const deps = await rt.factory();
      const account = deps.config.XBOT_ACCOUNT_ID;
      const text = `stuck once ${Math.random().toString(36).slice(2, 8)}`;
      await enqueue(deps.clients.sql, { accountId: account, kind: "single", tweets: [text], source: "manual", dueAt: new Date(Date.now() - 60_000) });
      const item = await claimDue(deps.clients.sql, account, "run-killed", new Date(), ["single"]);
      await openAttempt(deps.clients.sql, item!, { runId: "run-killed", mode: "live", startedAt: new Date(), leaseUntil: new Date(Date.now() + 60_000) });
      // X took the post; the answer never reached the run that was killed.
      const [onX] = sandbox.seed({ posts: [{ text }] });

      const clock = new TestClock();
      clock.advance(7 * 60_000);
      // The same database and state store, with a clock past the attempt's lease.
      const later = await (await botRuntime(store, sandbox, { transport: "api", jobs, clock, env: { ...rt.env } })).factory();
      // Run A stops at its reconcile step (it holds what its admission took) until run B is done.
      let reached!: () => void;
      let release!: () => void;
      const atReconcile = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const holding = {
        ...later,
        faults: async (point: string) => {
          if (point === "heal:reconciling") {
            reached();
            await held;
          }
        },
      };
      const first = runJob(holding, { job: "heal", trigger: "manual", skipLock: true });
      await atReconcile;
      const second = await runJob(later, { job: "heal", trigger: "manual", skipLock: true });
      release();
      const runs = [await first, second];

      expect(runs.map((r) => r.status)).toEqual(["ok", "ok"]);
      const steps = runs.map((r) => r.summary?.reconciled as Record<string, unknown>);
      expect(steps.filter((s) => s.skipped === "another heal run is reconciling")).toHaveLength(1);
      expect(steps.filter((s) => s.skipped === undefined)).toEqual([expect.objectContaining({ stuck: 1, resolved: 1 })]);
      const receipts = await deps.clients.sql.query<{ tweet_id: string }>("SELECT tweet_id FROM posts WHERE account_id = $1", [account]);
      expect(receipts.map((r) => r.tweet_id)).toEqual([onX!.id]);
      expect(await queueCounts(deps.clients.sql, account)).toMatchObject({ posted: 1, posting: 0, queued: 0 });
      // Both runs handed back what they took: a third heal finds nothing stuck and nothing held.
      expect(await later.clients.state.countLeases("browser")).toBe(0);
      expect((await runJob(later, { job: "heal", trigger: "manual" })).summary?.reconciled).toEqual({ stuck: 0 });
    },
    120_000,
  );
});
