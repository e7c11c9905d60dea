/**
 * Replay-proof QStash deliveries and 4xx-before-the-run params, in-process on real Postgres /
 * Redis state. Tokens are signed exactly as QStash signs them (tests/support/qstash-shim.ts:
 * HS256, iss Upstash, sub, exp/nbf/iat, jti, body = base64url sha256) with the shim's known
 * keys, and verified by the real @upstash/qstash Receiver inside the route.
 */
import { describe, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { defineJob } from "../../lib/jobs/job.js";
import { XbotError } from "../../lib/errors.js";
import { SPECS } from "../../lib/jobs/specs.js";
import { plan } from "../../lib/jobs/plan.js";
import { jobRoute } from "../../lib/runtime/http/job-route.js";
import { queueRoute } from "../../lib/runtime/http/queue-route.js";
import { tokenOnceId } from "../../lib/state/keys.js";
import { recentRuns } from "../../lib/db/runs.js";
import { availableStores, testRuntime, TEST_SECRETS, type TestRuntime } from "../support/runtime.js";
import { newMessageId, signQStashJwt } from "../support/qstash-shim.js";
import { services } from "../support/env.js";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createLocalHandler } from "../../lib/dev/server.js";
import type { LocalRuntime } from "../../lib/dev/local.js";

const BASE = "http://xbot.test";
const QUEUE_URL = `${BASE}/api/queue`;

const countJob = defineJob({
  name: "count",
  schedule: "*/5 * * * *",
  maxDurationMs: 30_000,
  needs: ["db", "state"],
  params: z.strictObject({ n: z.number().int().optional() }),
  async run(ctx) {
    return { n: ctx.params.n ?? null };
  },
});

describe.each(availableStores())("QStash replay and params on %s state", (store) => {
  let rt: TestRuntime;
  const qstash = () => services().qstash!;
  beforeAll(async () => {
    rt = await testRuntime(store, { jobs: [countJob, plan], env: { QSTASH_CURRENT_SIGNING_KEY: qstash().currentSigningKey, QSTASH_NEXT_SIGNING_KEY: qstash().nextSigningKey } });
  });
  const sign = (body: string, url = QUEUE_URL) => signQStashJwt({ url, body, key: qstash().currentSigningKey });
  const post = (route: ReturnType<typeof queueRoute>, url: string, body: string, headers: Record<string, string>) => route.POST(new Request(url, { method: "POST", body, headers }));
  const runsOf = async (job: string) => (await recentRuns((await rt.factory()).clients.sql, { job, limit: 500 })).filter((r) => r.trigger === "queue");

  it("one token sent five times, with new, missing and changed message-id headers, runs once", async () => {
    const body = JSON.stringify({ job: "count", params: { n: 1 } });
    const signature = sign(body);
    const route = queueRoute(rt.factory);
    const before = (await runsOf("count")).length;
    const variants: Record<string, string>[] = [
      { "upstash-message-id": newMessageId(), "upstash-retried": "0" },
      { "upstash-message-id": newMessageId(), "upstash-retried": "0" },
      {},
      { "upstash-message-id": newMessageId(), "upstash-retried": "3" },
      { "upstash-message-id": "msg_changed", "upstash-retried": "1" },
    ];
    const results = [];
    for (const headers of variants) {
      const res = await post(route, QUEUE_URL, body, { "upstash-signature": signature, ...headers });
      expect(res.status).toBe(200);
      results.push((await res.json()) as { status: string; reason?: string });
    }
    expect(results.map((r) => r.status)).toEqual(["ok", "skipped", "skipped", "skipped", "skipped"]);
    expect(results.slice(1).every((r) => r.reason === "replayed_token")).toBe(true);
    expect((await runsOf("count")).length - before).toBe(1);
    const jti = (JSON.parse(Buffer.from(signature.split(".")[1]!, "base64url").toString()) as { jti: string }).jti;
    expect(await (await rt.factory()).clients.state.claimOnce(tokenOnceId(jti), 1_000)).toBe(false);
  });

  it("two genuine deliveries with their own tokens both run (a QStash retry carries a new token)", async () => {
    const body = JSON.stringify({ job: "count" });
    const route = queueRoute(rt.factory);
    const messageId = newMessageId();
    const first = await post(route, QUEUE_URL, body, { "upstash-signature": sign(body), "upstash-message-id": messageId, "upstash-retried": "0" });
    const retry = await post(route, QUEUE_URL, body, { "upstash-signature": sign(body), "upstash-message-id": messageId, "upstash-retried": "1" });
    expect([(await first.json()) as object, (await retry.json()) as object]).toMatchObject([{ status: "ok" }, { status: "ok" }]);
  });

  it("a token for another host is refused; with XBOT_PUBLIC_URL the request's own host does not matter", async () => {
    const body = JSON.stringify({ job: "count" });
    const pinned = await testRuntime(store, { jobs: [countJob], env: { ...rt.env, XBOT_PUBLIC_URL: BASE } });
    const route = queueRoute(pinned.factory);
    // As if a proxy (or a lying X-Forwarded-Host) made the request URL another deployment's.
    const foreign = await post(route, "https://other.vercel.app/api/queue", body, { "upstash-signature": sign(body, "https://other.vercel.app/api/queue") });
    expect(foreign.status).toBe(401);
    const ours = await post(route, "https://other.vercel.app/api/queue", body, { "upstash-signature": sign(body, QUEUE_URL) });
    expect(ours.status).toBe(200);
    expect(pinned.logs.some((l) => l.includes("signature did not verify") && l.includes("invalid subject"))).toBe(true);
  });

  it("the local server honours X-Forwarded-Host/-Proto only with XBOT_TRUST_PROXY", async () => {
    const tunnel = "https://tunnel.example/api/queue";
    const forwarded = { "x-forwarded-host": "tunnel.example", "x-forwarded-proto": "https" };
    for (const trust of [false, true]) {
      const trusted = await testRuntime(store, { jobs: [countJob], env: { ...rt.env, XBOT_TRUST_PROXY: String(trust) } });
      const deps = await trusted.factory();
      const server = createServer(createLocalHandler({ deps, config: deps.config } as unknown as LocalRuntime));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/queue`;
        const body = JSON.stringify({ job: "count" });
        const viaTunnel = await fetch(url, { method: "POST", body, headers: { ...forwarded, "upstash-signature": sign(body, tunnel) } });
        expect(viaTunnel.status, `trust=${trust}`).toBe(trust ? 200 : 401);
        const direct = await fetch(url, { method: "POST", body, headers: { "upstash-signature": sign(body, url) } });
        expect(direct.status, `trust=${trust}`).toBe(200); // without forwarded headers, Host (trusted) and the socket name the same URL
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    }
  });

  it('params of the wrong type answer 400 before the run: plan {target: "x"}, a NUL character; no job_runs row', async () => {
    const deps = await rt.factory();
    const count = async () => Number((await deps.clients.sql.query<{ n: string }>("SELECT count(*) AS n FROM job_runs WHERE job = 'plan' OR status = 'failed'"))[0]!.n);
    const before = await count();
    const manual = (job: string, body: unknown) =>
      jobRoute(job, rt.factory).POST(new Request(`${BASE}/api/jobs/${job}`, { method: "POST", body: JSON.stringify(body), headers: { authorization: `Bearer ${TEST_SECRETS.admin}` } }));
    for (const [job, body] of [
      ["plan", { params: { target: "x" } }],
      ["plan", { params: { maxPerRun: -1 } }],
      ["count", { params: { n: "1" } }],
      ["count", { params: { extra: true } }],
      ["count", { params: { n: 1, s: "a\u0000b" } }],
    ] as const) {
      const res = await manual(job, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ error: "bad_request", message: expect.stringContaining(`invalid params for ${job}`) });
    }
    const queued = JSON.stringify({ job: "plan", params: { target: "x" } });
    const res = await post(queueRoute(rt.factory), QUEUE_URL, queued, { "upstash-signature": sign(queued), "upstash-message-id": newMessageId() });
    expect(res.status).toBe(489); // QStash's "do not retry"
    expect(res.headers.get("upstash-nonretryable-error")).toBe("true");
    expect(await res.json()).toMatchObject({ error: "bad_request", message: expect.stringContaining("invalid params for plan") });
    expect(await count()).toBe(before);
  });
});

const failJob = (name: string, retryable: boolean) =>
  defineJob({
    name,
    schedule: "*/5 * * * *",
    maxDurationMs: 30_000,
    needs: ["state"],
    async run() {
      throw new XbotError(retryable ? "db_unavailable" : "config_invalid", `${name} failed on purpose`);
    },
  });

describe.each(availableStores())("QStash deliveries to a job's own route on %s state", (store) => {
  let rt: TestRuntime;
  const qstash = () => services().qstash!;
  const url = (job: string) => `${BASE}/api/jobs/${job}`;
  beforeAll(async () => {
    rt = await testRuntime(store, {
      jobs: [countJob, failJob("fails-for-good", false), failJob("fails-for-now", true)],
      env: { QSTASH_CURRENT_SIGNING_KEY: qstash().currentSigningKey, QSTASH_NEXT_SIGNING_KEY: qstash().nextSigningKey },
    });
  });
  const deliver = (job: string, body: string, headers: Record<string, string> = {}, signedFor = url(job)) =>
    jobRoute(job, rt.factory).POST(
      new Request(url(job), {
        method: "POST",
        body,
        headers: { "upstash-signature": signQStashJwt({ url: signedFor, body, key: qstash().currentSigningKey }), "upstash-message-id": newMessageId(), "upstash-retried": "0", ...headers },
      }),
    );
  /** Queue runs that did the work (a duplicate is recorded as a skipped run). */
  const queueRuns = async (job: string) => (await recentRuns((await rt.factory()).clients.sql, { job, limit: 500 })).filter((r) => r.trigger === "queue" && r.status === "ok").length;

  it("a signed POST runs the route's job as a queue run, with {params} alone or a matching {job}", async () => {
    const before = await queueRuns("count");
    const res = await deliver("count", JSON.stringify({ params: { n: 7 } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ job: "count", status: "ok", summary: { n: 7 } });
    expect(await (await deliver("count", JSON.stringify({ job: "count" }))).json()).toMatchObject({ status: "ok" });
    expect(await (await deliver("count", "")).json()).toMatchObject({ status: "ok" });
    expect((await queueRuns("count")) - before).toBe(3);
  });

  it("the same token replayed, and a QStash duplicate (same message id and retry count), run once", async () => {
    const body = JSON.stringify({ params: { n: 1 } });
    const signature = signQStashJwt({ url: url("count"), body, key: qstash().currentSigningKey });
    const before = await queueRuns("count");
    const send = (headers: Record<string, string>) => jobRoute("count", rt.factory).POST(new Request(url("count"), { method: "POST", body, headers: { "upstash-signature": signature, ...headers } }));
    const first = (await (await send({ "upstash-message-id": "msg_once", "upstash-retried": "0" })).json()) as { status: string };
    const replayed = (await (await send({ "upstash-message-id": newMessageId(), "upstash-retried": "0" })).json()) as { status: string; reason: string };
    expect([first.status, replayed.status, replayed.reason]).toEqual(["ok", "skipped", "replayed_token"]);
    const messageId = newMessageId();
    const [a, b] = await Promise.all([deliver("count", body, { "upstash-message-id": messageId }), deliver("count", body, { "upstash-message-id": messageId })]);
    const statuses = [((await a.json()) as { status: string }).status, ((await b.json()) as { status: string }).status].sort();
    expect(statuses).toEqual(["ok", "skipped"]);
    expect((await queueRuns("count")) - before).toBe(2);
  });

  it("a token signed for another job's route, or a body naming another job, never runs", async () => {
    const before = await queueRuns("count");
    const foreign = await deliver("count", "{}", {}, url("fails-for-good"));
    expect(foreign.status).toBe(401);
    const mismatch = await deliver("count", JSON.stringify({ job: "fails-for-good" }));
    expect(mismatch.status).toBe(489);
    expect(mismatch.headers.get("upstash-nonretryable-error")).toBe("true");
    expect(await mismatch.json()).toMatchObject({ error: "bad_request", message: expect.stringContaining("sent to /api/jobs/count") });
    expect(await queueRuns("count")).toBe(before);
  });

  it("QStash retries only what a retry can fix: a retryable failure answers 503, any other failure 489 non-retryable", async () => {
    const forNow = await deliver("fails-for-now", "{}");
    expect(forNow.status).toBe(503);
    expect(forNow.headers.get("upstash-nonretryable-error")).toBeNull();
    expect(await forNow.json()).toMatchObject({ status: "failed", errorCode: "db_unavailable", retryable: true });
    const forGood = await deliver("fails-for-good", "{}");
    expect(forGood.status).toBe(489);
    expect(forGood.headers.get("upstash-nonretryable-error")).toBe("true");
    expect(await forGood.json()).toMatchObject({ status: "failed", errorCode: "config_invalid", retryable: false });
  });

  it("deployed /api/queue carries no job code: a delivery for a known job is 489 `moved` naming the job's route, and nothing runs", async () => {
    const specsOnly = await testRuntime(store, { jobs: SPECS, env: { QSTASH_CURRENT_SIGNING_KEY: qstash().currentSigningKey, QSTASH_NEXT_SIGNING_KEY: qstash().nextSigningKey } });
    const body = JSON.stringify({ job: "post" });
    const res = await queueRoute(specsOnly.factory).POST(
      new Request(QUEUE_URL, {
        method: "POST",
        body,
        headers: { "upstash-signature": signQStashJwt({ url: QUEUE_URL, body, key: qstash().currentSigningKey }), "upstash-message-id": newMessageId() },
      }),
    );
    expect(res.status).toBe(489);
    expect(res.headers.get("upstash-nonretryable-error")).toBe("true");
    expect(await res.json()).toMatchObject({ error: "moved", message: expect.stringContaining("POST /api/jobs/post") });
    expect((await recentRuns((await specsOnly.factory()).clients.sql, { job: "post", limit: 10 })).length).toBe(0);
  });
});
