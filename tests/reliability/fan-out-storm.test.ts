/**
 * A storm of duplicated cron ticks on a deployment with three accounts and QStash: every
 * duplicate fans out (a batch per tick, through the real @upstash/qstash client, to the QStash
 * shim), the deduplication ids make each tick one message per account, and flow control per
 * account holds even while the next tick's storm lands on runs still in flight. Asserted from
 * the shim's delivery log AND job_runs; each account's items are posted once, on its own timeline.
 * Real Postgres and Redis, real Chromium, one sandbox user per account.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../lib/dev/sandbox/index.js";
import { enqueue } from "../../lib/db/queue.js";
import { recentRuns, type JobRun } from "../../lib/db/runs.js";
import { post } from "../../lib/jobs/post.js";
import { jobRoute } from "../../lib/runtime/http/job-route.js";
import { services } from "../support/env.js";
import { NO_CAPS, TestClock } from "../support/bot.js";
import { TEST_SECRETS } from "../support/runtime.js";
import { accountSandboxes, accountsRuntime, serveRoutes } from "../support/accounts.js";
import { startQStashShim, type QStashShim } from "../support/qstash-shim.js";

const IDS = ["a", "b", "c"] as const;
let sandboxes: Record<string, Sandbox>;
let q: QStashShim;
beforeAll(async () => {
  sandboxes = await accountSandboxes(IDS);
  q = await startQStashShim();
});
afterAll(async () => {
  await q.close();
  for (const s of Object.values(sandboxes ?? {})) await s.close();
});

const overlaps = (xs: readonly { start: number; end: number }[]) => xs.some((a, i) => xs.some((b, j) => i !== j && a.start < b.end && b.start < a.end));

describe.skipIf(!services().postgres || !services().redis)("fan-out storm with QStash", () => {
  it("duplicated ticks: one run per account per tick, never two at once for one account", async () => {
    let route: ReturnType<typeof jobRoute> | undefined;
    const server = await serveRoutes((path) => (path === "/api/jobs/post" ? route?.POST : undefined));
    const clock = new TestClock();
    const rt = await accountsRuntime(sandboxes, {
      jobs: [post],
      clock,
      env: {
        XBOT_CAPS: NO_CAPS,
        XBOT_BROWSER_SLOTS: "3",
        XBOT_PUBLIC_URL: server.url,
        QSTASH_URL: q.url,
        QSTASH_TOKEN: q.token,
        QSTASH_CURRENT_SIGNING_KEY: q.currentSigningKey,
        QSTASH_NEXT_SIGNING_KEY: q.nextSigningKey,
      },
    });
    route = jobRoute("post", rt.factory);
    const deps = await rt.factory();
    const texts: Record<string, string[]> = {};
    for (const id of IDS)
      for (let i = 0; i < 2; i++) {
        const text = `storm ${id} ${i} ${Math.random().toString(36).slice(2, 8)}`;
        texts[id] = [...(texts[id] ?? []), text];
        await enqueue(deps.clients.sql, { accountId: id, kind: "single", tweets: [text], source: "manual", dueAt: new Date(clock.now() - 60_000) });
      }

    const storm = () =>
      Promise.all(
        Array.from({ length: 8 }, (_, i) => {
          const headers: Record<string, string> = { authorization: `Bearer ${TEST_SECRETS.cron}`, ...(i % 2 ? { "x-vercel-schedule-execution-id": `exec-${clock.now()}` } : {}) };
          return fetch(`${server.url}/api/jobs/post`, { headers }).then(async (r) => ({
            status: r.status,
            body: (await r.json()) as { fanOut: string; tick: string; published: string[]; deduplicated: string[] },
          }));
        }),
      );
    const first = await storm();
    clock.advance(5 * 60_000); // the next slot's storm lands while the first tick's runs are in flight
    const second = await storm();
    await q.idle();
    await server.close();

    for (const tick of [first, second]) {
      expect(tick.map((t) => [t.status, t.body.fanOut])).toEqual(Array(8).fill([200, "qstash"]));
      expect(new Set(tick.map((t) => t.body.tick)).size).toBe(1);
      expect(tick.flatMap((t) => t.body.published).sort()).toEqual(["a", "b", "c"]);
      expect(tick.flatMap((t) => t.body.deduplicated)).toHaveLength(7 * 3);
    }
    expect(first[0]!.body.tick).not.toBe(second[0]!.body.tick);

    // The shim: 6 messages enqueued (3 accounts x 2 ticks), each delivered once with 200, one account's calls never overlapping.
    const prefix = rt.env.XBOT_PREFIX!;
    const enqueued = q.published().filter((m) => !m.deduplicated && m.deduplicationId?.startsWith(`${prefix}.post.`));
    expect(enqueued).toHaveLength(6);
    const delivered = q.deliveries().filter((d) => d.flowKey?.startsWith(`${prefix}-x-`));
    expect(delivered.map((d) => d.status)).toEqual(Array(6).fill(200));
    for (const id of IDS) {
      const mine = delivered.filter((d) => d.flowKey === `${prefix}-x-${id}`);
      expect(mine.map((d) => JSON.parse(d.body))).toEqual([{ account: id }, { account: id }]);
      expect(overlaps(mine.map((d) => ({ start: d.at, end: d.endedAt! })))).toBe(false);
      expect(q.flowPeaks()[`${prefix}-x-${id}`]).toBe(1);
    }

    // job_runs: two queue runs per account, both ok, one after the other; each posted one of the account's own items.
    const runs = await recentRuns(deps.clients.sql, { job: "post", limit: 100 });
    expect(runs.every((r) => r.trigger === "queue")).toBe(true);
    for (const id of IDS) {
      const mine = runs.filter((r: JobRun) => r.accountId === id);
      expect(mine.map((r) => r.status)).toEqual(["ok", "ok"]);
      expect(overlaps(mine.map((r) => ({ start: r.startedAt.getTime(), end: r.endedAt.getTime() })))).toBe(false);
      const posted = sandboxes[id]!.posts().filter((p) => p.author === `acct_${id}` && !p.deleted);
      expect(posted.map((p) => p.text).sort()).toEqual([...texts[id]!].sort());
    }
    const others = Object.values(sandboxes).flatMap((s) => s.posts().filter((p) => !p.deleted && !p.author.startsWith("acct_")));
    expect(others.filter((p) => p.text.startsWith("storm "))).toEqual([]);
  }, 240_000);
});
