/**
 * The fan-out without QStash: a tick runs the accounts in turn in one function. With a
 * slow-page fault on every account's X, the tick stays within the job's maxDuration, records
 * the accounts it could not reach as `skipped: time budget`, says QStash is needed, and serves
 * them first on the next tick. Real Postgres and Redis, real Chromium, one sandbox per account.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../lib/dev/sandbox/index.js";
import { enqueue } from "../../lib/db/queue.js";
import { recentRuns, TIME_BUDGET_REASON } from "../../lib/db/runs.js";
import { defineJob } from "../../lib/jobs/job.js";
import { post } from "../../lib/jobs/post.js";
import { jobRoute } from "../../lib/runtime/http/job-route.js";
import { services } from "../support/env.js";
import { NO_CAPS, TestClock } from "../support/bot.js";
import { TEST_SECRETS } from "../support/runtime.js";
import { accountSandboxes, accountsRuntime } from "../support/accounts.js";

const IDS = ["a", "b", "c", "d"] as const;
const MAX_DURATION_MS = 30_000;
let sandboxes: Record<string, Sandbox>;
beforeAll(async () => {
  sandboxes = await accountSandboxes(IDS);
});
afterAll(async () => {
  for (const s of Object.values(sandboxes ?? {})) await s.close();
});

type Tick = { fanOut: string; ran: { account: string; result?: { status: string } }[]; unreached: string[] };

describe.skipIf(!services().postgres || !services().redis)("in-function fan-out within the time budget", () => {
  it("a slow-page fault keeps the tick within maxDuration and carries the unreached accounts to the next tick", async () => {
    const clock = new TestClock();
    // The post job with a short maxDuration, so a few slow pages exhaust it.
    const shortPost = defineJob({ ...post, maxDurationMs: MAX_DURATION_MS });
    const rt = await accountsRuntime(sandboxes, { jobs: [shortPost], clock, env: { XBOT_CAPS: NO_CAPS } });
    const deps = await rt.factory();
    for (const id of IDS)
      for (let i = 0; i < 2; i++)
        await enqueue(deps.clients.sql, { accountId: id, kind: "single", tweets: [`budget ${id} ${i} ${Math.random()}`], source: "manual", dueAt: new Date(clock.now() - 60_000) });
    for (const s of Object.values(sandboxes)) s.setFault({ kind: "slow", ms: 7_000 });
    const route = jobRoute("post", rt.factory);
    const tick = async (): Promise<{ ms: number; body: Tick }> => {
      const t0 = Date.now();
      const response = await route.GET(new Request("http://xbot.test/api/jobs/post", { headers: { authorization: `Bearer ${TEST_SECRETS.cron}` } }));
      expect(response.status).toBe(200);
      return { ms: Date.now() - t0, body: (await response.json()) as Tick };
    };

    const first = await tick();
    expect(first.body.fanOut).toBe("in_function");
    expect(first.ms).toBeLessThan(MAX_DURATION_MS);
    const reached = first.body.ran.map((r) => r.account);
    expect(reached.length).toBeGreaterThanOrEqual(1);
    expect(first.body.unreached.length).toBeGreaterThanOrEqual(1);
    expect([...reached, ...first.body.unreached]).toEqual(["a", "b", "c", "d"]); // never served: by id
    expect(first.body.ran.map((r) => r.result?.status)).toEqual(reached.map(() => "ok"));
    const skipped = (await recentRuns(deps.clients.sql, { job: "post" })).filter((r) => r.reason === TIME_BUDGET_REASON);
    expect(skipped.map((r) => [r.accountId, r.status]).sort()).toEqual(first.body.unreached.map((id) => [id, "skipped"]));
    expect(rt.logs.some((l) => l.includes("not reached within the function's time budget") && l.includes("configure QStash"))).toBe(true);

    // Next tick, the fault gone: the unreached go first, then the others, oldest-served first.
    for (const s of Object.values(sandboxes)) s.setFault(null);
    clock.advance(5 * 60_000);
    const second = await tick();
    expect(second.body.ran.map((r) => r.account)).toEqual([...first.body.unreached, ...reached]);
    expect(second.body.unreached).toEqual([]);
    for (const id of IDS) expect(sandboxes[id]!.posts().filter((p) => p.author === `acct_${id}` && !p.deleted && p.text.startsWith("budget "))).toHaveLength(first.body.unreached.includes(id) ? 1 : 2);
  }, 180_000);
});
