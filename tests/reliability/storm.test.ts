/**
 * A duplicate-delivery storm: cron (with and without a Schedules execution id), manual
 * and QStash deliveries (duplicates and distinct messages) of the same jobs arrive at
 * once through the HTTP surface. Invariants: no two successful runs of one job overlap,
 * a delivery id runs at most once, nothing is posted twice, no item is lost or stuck.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { enqueue, queueCounts } from "../../lib/db/queue.js";
import { recentRuns } from "../../lib/db/runs.js";
import { jobRoute } from "../../lib/runtime/http/job-route.js";
import { queueRoute } from "../../lib/runtime/http/queue-route.js";
import { post } from "../../lib/jobs/post.js";
import { heal } from "../../lib/jobs/heal.js";
import { services } from "../support/env.js";
import { botRuntime, TRANSPORTS } from "../support/bot.js";
import { TEST_SECRETS } from "../support/runtime.js";
import { QSTASH_DEV_CREDENTIALS, signQStashJwt } from "../support/qstash-shim.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

type Sent = { job: string; delivery: string | null; response: Response };

function deliveriesFor(job: string, routes: { jobs: ReturnType<typeof jobRoute>; queue: ReturnType<typeof queueRoute> }): Promise<Sent>[] {
  const sends: Promise<Sent>[] = [];
  const send = (delivery: string | null, response: Promise<Response>) => sends.push(response.then((r) => ({ job, delivery, response: r })));
  for (let i = 0; i < 8; i++) {
    const headers: Record<string, string> = { authorization: `Bearer ${TEST_SECRETS.cron}`, ...(i % 2 ? { "x-vercel-schedule-execution-id": `exec-${job}` } : {}) };
    send(i % 2 ? `exec-${job}` : null, routes.jobs.GET(new Request(`http://xbot.test/api/jobs/${job}`, { headers })));
  }
  for (let i = 0; i < 4; i++) {
    send(
      null,
      routes.jobs.POST(new Request(`http://xbot.test/api/jobs/${job}`, { method: "POST", headers: { authorization: `Bearer ${TEST_SECRETS.admin}`, "content-type": "application/json" }, body: "{}" })),
    );
  }
  for (let i = 0; i < 6; i++) {
    const url = "http://xbot.test/api/queue";
    const body = JSON.stringify({ job });
    const messageId = i < 3 ? `msg-${job}-dup` : `msg-${job}-${i}`;
    const headers = { "upstash-signature": signQStashJwt({ url, body }), "upstash-message-id": messageId, "upstash-retried": "0", "content-type": "application/json" };
    send(`${messageId}:0`, routes.queue.POST(new Request(url, { method: "POST", headers, body })));
  }
  return sends;
}

describe.skipIf(!services().postgres || !services().redis).each(TRANSPORTS)("duplicate-delivery storm (%s transport)", (transport) => {
  it("cron, manual and QStash deliveries of the same jobs at once: exclusive runs, nothing twice, nothing lost", async () => {
    sandbox.reset();
    const since = Date.now() - 1;
    const rt = await botRuntime("redis", sandbox, {
      transport,
      jobs: [post, heal],
      env: { QSTASH_CURRENT_SIGNING_KEY: QSTASH_DEV_CREDENTIALS.currentSigningKey, QSTASH_NEXT_SIGNING_KEY: QSTASH_DEV_CREDENTIALS.nextSigningKey },
    });
    const deps = await rt.factory();
    for (let i = 0; i < 3; i++)
      await enqueue(deps.clients.sql, { accountId: deps.config.XBOT_ACCOUNT_ID, kind: "single", tweets: [`storm item ${i} ${Math.random()}`], source: "manual", dueAt: new Date(Date.now() - 60_000) });
    const routes = (job: string) => ({ jobs: jobRoute(job, rt.factory), queue: queueRoute(rt.factory) });
    const sent = await Promise.all([...deliveriesFor("post", routes("post")), ...deliveriesFor("heal", routes("heal"))]);
    const results = await Promise.all(sent.map(async (s) => ({ ...s, status: s.response.status, body: (await s.response.json()) as { status: string; reason?: string } })));

    expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    for (const r of results) if (r.body.status === "skipped") expect(["locked", "duplicate", "nothing due"]).toContain(r.body.reason);
    const byDelivery = new Map<string, number>();
    for (const r of results) if (r.delivery && r.body.status === "ok") byDelivery.set(r.delivery, (byDelivery.get(r.delivery) ?? 0) + 1);
    expect([...byDelivery.values()].every((n) => n === 1)).toBe(true);

    const runs = await recentRuns(deps.clients.sql, { limit: 500 });
    expect(runs).toHaveLength(results.length);
    for (const job of ["post", "heal"]) {
      const ok = runs.filter((r) => r.job === job && r.status === "ok").sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (let i = 1; i < ok.length; i++) expect(ok[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(ok[i - 1]!.endedAt.getTime());
    }
    const onX = sandbox.posts().filter((p) => p.author === sandbox.user && p.createdAtMs > since);
    expect(onX).toHaveLength(1);
    expect(sandbox.apiCalls().filter((c) => c.endpoint === "POST tweets").length, "POST /2/tweets calls").toBe(transport === "api" ? 1 : 0);
    const counts = await queueCounts(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID);
    expect(counts).toMatchObject({ posted: 1, queued: 2, posting: 0 });
  }, 180_000);
});
