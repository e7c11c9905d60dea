/**
 * A post run killed with SIGKILL mid-post must not hold the `post` job lock or its browser
 * slot for long: admission grants them for RUN_LEASE_MS (60 s) and the live run renews them
 * (lib/runtime/run-lease.ts). Real Chromium, the sandbox, Redis and Postgres, a real child
 * process. While the child lives past 60 s, its renewals keep the lock (exclusivity holds);
 * after the kill, the next run is admitted within about a minute and posts the next item
 * exactly once.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { enqueue } from "../../lib/db/queue.js";
import { runJob } from "../../lib/runtime/runner.js";
import { RUN_LEASE_MS } from "../../lib/runtime/admission.js";
import { post } from "../../lib/jobs/post.js";
import { reconcile } from "../../lib/jobs/reconcile.js";
import { services } from "../support/env.js";
import { botRuntime, NO_CAPS } from "../support/bot.js";
import { runChild } from "../support/child.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await sleep(200);
  }
}

describe.skipIf(!services().postgres || !services().redis)("SIGKILL during a post", () => {
  it("the live run keeps post locked past the lease; once killed, post is free within about a minute and the next item posts once", async () => {
    const since = Date.now() - 1;
    const rt = await botRuntime("redis", sandbox, { jobs: [post, reconcile], env: { XBOT_CAPS: NO_CAPS, XBOT_BROWSER_SLOTS: "1" } });
    const deps = await rt.factory();
    const account = deps.config.XBOT_ACCOUNT_ID;
    const first = `sigkill first ${Math.random().toString(36).slice(2, 8)}`;
    const second = `sigkill second ${Math.random().toString(36).slice(2, 8)}`;
    await enqueue(deps.clients.sql, { accountId: account, kind: "single", tweets: [first], source: "manual", dueAt: new Date(Date.now() - 120_000) });
    await enqueue(deps.clients.sql, { accountId: account, kind: "single", tweets: [second], source: "manual", dueAt: new Date(Date.now() - 60_000) });
    const ours = (text: string) => sandbox.posts().filter((p) => p.text === text && !p.deleted && p.createdAtMs > since);

    // The child posts, then stays alive right after the click (as a slow post would) until killed.
    const started = Date.now();
    const child = runChild(rt.env, "post", {}, 0, "", JSON.stringify(sandbox.storageState()), "", "post:after_click");
    await waitFor(() => ours(first).length === 1, 60_000);
    await sleep(Math.max(0, started + RUN_LEASE_MS + 10_000 - Date.now()));
    const whileAlive = await runJob(deps, { job: "post", trigger: "manual" });
    expect(child.process.exitCode, "the child still runs its post").toBeNull();
    expect(whileAlive.status, JSON.stringify(whileAlive)).toBe("skipped");
    expect(whileAlive.reason).toBe("locked");

    child.process.kill("SIGKILL");
    expect(await child.result).toBeNull();
    const killedAt = Date.now();
    // Poll every 2 s; the time that counts is when the admitted attempt was started (its post then takes a while).
    let tried = Date.now();
    let next = await runJob(deps, { job: "post", trigger: "manual" });
    while (next.status === "skipped" && Date.now() - killedAt < 3 * RUN_LEASE_MS) {
      expect(["locked", "budget_exhausted:browser"]).toContain(next.reason);
      await sleep(2_000);
      tried = Date.now();
      next = await runJob(deps, { job: "post", trigger: "manual" });
    }
    const freedAfterMs = tried - killedAt;
    console.log(`[sigkill] post admitted again ${freedAfterMs} ms after the SIGKILL`);
    expect(next.status).toBe("ok");
    expect(freedAfterMs).toBeLessThanOrEqual(RUN_LEASE_MS + 5_000);
    expect(next.summary?.posted).toBe(1);
    expect(ours(second)).toHaveLength(1);
    expect(ours(first)).toHaveLength(1);
    const again = await runJob(deps, { job: "post", trigger: "manual" });
    expect(again.summary?.posted ?? 0).toBe(0);
    expect(ours(second)).toHaveLength(1);
    expect(await deps.clients.state.countLeases("browser")).toBe(0);
  }, 240_000);
});
