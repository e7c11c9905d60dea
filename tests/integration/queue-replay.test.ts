/**
 * Replay-proof QStash deliveries and 4xx-before-the-run params, in-process on real Postgres /
 * Redis state. Tokens are signed exactly as QStash signs them (tests/support/qstash-shim.ts:
 * HS256, iss Upstash, sub, exp/nbf/iat, jti, body = base64url sha256) with the shim's known
 * keys, and verified by the real @upstash/qstash Receiver inside the route.
 */
import { describe, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { defineJob } from "../../lib/runtime/job.js";
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
  name: "count", schedule: "*/5 * * * *", maxDurationMs: 30_000, needs: ["db", "state"],
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

  it("params of the wrong type answer 400 before the run: plan {target: \"x\"}, a NUL character; no job_runs row", async () => {
    const deps = await rt.factory();
    const count = async () => Number((await deps.clients.sql.query<{ n: string }>("SELECT count(*) AS n FROM job_runs WHERE job = 'plan' OR status = 'failed'"))[0]!.n);
    const before = await count();
    const manual = (job: string, body: unknown) => jobRoute(job, rt.factory).POST(new Request(`${BASE}/api/jobs/${job}`, { method: "POST", body: JSON.stringify(body), headers: { authorization: `Bearer ${TEST_SECRETS.admin}` } }));
    for (const [job, body] of [["plan", { params: { target: "x" } }], ["plan", { params: { maxPerRun: -1 } }], ["count", { params: { n: "1" } }], ["count", { params: { extra: true } }], ["count", { params: { n: 1, s: "a\u0000b" } }]] as const) {
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
