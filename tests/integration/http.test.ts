/**
 * The HTTP surface in-process (`new Request` -> route handler, hono style) on real
 * Postgres / Redis state: every client mistake gets a 4xx JSON `{error, message}` and
 * writes nothing (no job_runs row, no state key, no lock, no error log line); the valid
 * requests run the job and record it; operator mistakes (bad env) are a 500 naming the
 * variable without its value.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis as IORedis } from "ioredis";
import { createRuntime } from "../../lib/runtime/root.js";
import { defineJob } from "../../lib/jobs/job.js";
import { XbotError } from "../../lib/errors.js";
import { recentRuns } from "../../lib/db/runs.js";
import { jobRoute } from "../../lib/runtime/http/job-route.js";
import { queueRoute } from "../../lib/runtime/http/queue-route.js";
import { healthRoute } from "../../lib/runtime/http/health-route.js";
import { statusRoute } from "../../lib/runtime/http/status-route.js";
import { MAX_BODY_BYTES } from "../../lib/runtime/http/respond.js";
import { availableStores, testRuntime, TEST_SECRETS, type TestRuntime } from "../support/runtime.js";
import { QSTASH_DEV_CREDENTIALS, newMessageId, signQStashJwt, type SignOptions } from "../support/qstash-shim.js";
import { services } from "../support/env.js";
import { slowJob } from "../support/test-jobs.js";

const BASE = "http://xbot.test";
const QUEUE_URL = `${BASE}/api/queue`;
const jobUrl = (job: string) => `${BASE}/api/jobs/${job}`;

/** Returns what it was given, so a test can see params, mode and trigger arrive. */
const echoJob = defineJob({
  name: "echo",
  schedule: "*/5 * * * *",
  maxDurationMs: 30_000,
  needs: ["db", "state"],
  async run(ctx) {
    return { params: ctx.params, mode: ctx.mode, trigger: ctx.trigger };
  },
});
const jobs = [echoJob, slowJob("slow", 300)];
/** Runs even when the state store is unreachable (like heal). */
const resilientJob = defineJob({
  name: "resilient",
  schedule: "0 * * * *",
  maxDurationMs: 30_000,
  needs: ["db"],
  whenStateDown: "run",
  async run() {
    return {};
  },
});

const cronAuth = { authorization: `Bearer ${TEST_SECRETS.cron}` };
const adminAuth = { authorization: `Bearer ${TEST_SECRETS.admin}` };

type Json = Record<string, unknown>;

/** Asserts a client-mistake response: status, JSON content type, exactly `{error, message}`. */
async function expectClientError(res: Response, status: number, error: string, message?: string | RegExp): Promise<{ error: string; message: string }> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: string; message: string };
  expect(Object.keys(body).sort()).toEqual(["error", "message"]);
  expect(body.error).toBe(error);
  expect(typeof body.message).toBe("string");
  expect(body.message.length).toBeGreaterThan(0);
  if (typeof message === "string") expect(body.message).toContain(message);
  else if (message) expect(body.message).toMatch(message);
  return body;
}

const redisClients: IORedis[] = [];

/** How many job_runs rows and state entries (keys, leases) a runtime holds. */
async function written(rt: TestRuntime): Promise<{ runs: number; state: number }> {
  const deps = await rt.factory();
  const [row] = await deps.clients.sql.query<{ runs: string; kv: string; leases: string }>(
    "SELECT (SELECT count(*) FROM job_runs) AS runs, (SELECT count(*) FROM xbot_kv) AS kv, (SELECT count(*) FROM xbot_leases) AS leases",
  );
  const runs = Number(row!.runs);
  if (deps.clients.state.kind === "postgres") return { runs, state: Number(row!.kv) + Number(row!.leases) };
  let redis = redisClients[0];
  if (!redis) {
    redis = new IORedis(services().redis!.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    redisClients.push(redis);
  }
  return { runs, state: (await redis.keys(`${rt.env.XBOT_PREFIX}:*`)).length };
}

/** Nothing was written by the requests so far: no run row, no state entry, no lock, no error log line. */
async function expectNothingWritten(rt: TestRuntime, job = "echo"): Promise<void> {
  expect(await written(rt)).toEqual({ runs: 0, state: 0 });
  const { state } = (await rt.factory()).clients;
  expect(await state.acquireLock(job, "probe", 1_000)).toBe(true);
  expect(await state.releaseLock(job, "probe")).toBe(true);
  expect(rt.logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
}

/** A body stream of `total` bytes in `chunk`-sized pieces; `pulled()` says how much was read. */
function byteStream(total: number, chunk = 1024, fill = 0x61): { stream: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
  let sent = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk, total - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(fill));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulled: () => sent, cancelled: () => cancelled };
}

const streamed = (url: string, body: ReadableStream<Uint8Array>, headers: Record<string, string>) => new Request(url, { method: "POST", body, headers, duplex: "half" } as RequestInit);

/** A JSON text of exactly `bytes` bytes that the manual/queue schemas accept. */
function jsonOfSize(bytes: number, prefix = ""): string {
  const head = `{${prefix}"params":{"pad":"`;
  const tail = `"}}`;
  return head + "x".repeat(bytes - head.length - tail.length) + tail;
}

describe.each(availableStores())("HTTP routes on %s state", (store) => {
  const qstash = () => services().qstash!;
  const keys = () => ({ QSTASH_CURRENT_SIGNING_KEY: qstash().currentSigningKey, QSTASH_NEXT_SIGNING_KEY: qstash().nextSigningKey });
  /** Only client mistakes ever reach it: it must stay empty. */
  let bad: TestRuntime;
  /** Valid requests run here. */
  let good: TestRuntime;
  /** No CRON_SECRET and no QStash keys configured. */
  let bare: TestRuntime;

  beforeAll(async () => {
    [bad, good, bare] = await Promise.all([testRuntime(store, { jobs, env: keys() }), testRuntime(store, { jobs, env: keys() }), testRuntime(store, { jobs, env: { CRON_SECRET: "" } })]);
  });
  afterAll(async () => {
    await Promise.all(redisClients.splice(0).map((r) => r.quit()));
  });

  const sign = (body: string | Buffer, options: Partial<SignOptions> = {}) => signQStashJwt({ url: QUEUE_URL, body, key: qstash().currentSigningKey, ...options });
  const delivery = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) => new Request(QUEUE_URL, { method: "POST", body, headers });

  describe("/api/jobs/<job>", () => {
    const unauthorizedGet: [string, Record<string, string>][] = [
      ["no Authorization", {}],
      ["Bearer alone", { authorization: "Bearer" }],
      ["Bearer and spaces only", { authorization: "Bearer    " }],
      ["Basic x", { authorization: "Basic x" }],
      ["Basic with the secret base64'd", { authorization: `Basic ${Buffer.from(`user:${TEST_SECRETS.cron}`).toString("base64")}` }],
      ["the secret without a scheme", { authorization: TEST_SECRETS.cron }],
      ["Token scheme", { authorization: `Token ${TEST_SECRETS.cron}` }],
      ["no space after Bearer", { authorization: `Bearer${TEST_SECRETS.cron}` }],
      ["Bearer: with a colon", { authorization: `Bearer: ${TEST_SECRETS.cron}` }],
      ["a space inside the secret", { authorization: `Bearer ${TEST_SECRETS.cron.slice(0, 8)} ${TEST_SECRETS.cron.slice(8)}` }],
      ["a trailing extra word", { authorization: `Bearer ${TEST_SECRETS.cron} extra` }],
      ["two secrets", { authorization: `Bearer ${TEST_SECRETS.cron}, Bearer ${TEST_SECRETS.cron}` }],
      ["a prefix of the secret", { authorization: `Bearer ${TEST_SECRETS.cron.slice(0, -1)}` }],
      ["the secret plus a character", { authorization: `Bearer ${TEST_SECRETS.cron}0` }],
      ["the secret upper-cased", { authorization: `Bearer ${TEST_SECRETS.cron.toUpperCase()}` }],
      ["the admin token on GET", adminAuth],
    ];

    it.each(unauthorizedGet)("GET with %s -> 401, nothing written", async (_name, headers) => {
      const { GET } = jobRoute("echo", bad.factory);
      await expectClientError(await GET(new Request(jobUrl("echo"), { headers })), 401, "unauthorized", "Bearer <CRON_SECRET>");
      await expectNothingWritten(bad);
    });

    it("GET when CRON_SECRET is not configured -> 401 even with a bearer token", async () => {
      const { GET } = jobRoute("echo", bare.factory);
      await expectClientError(await GET(new Request(jobUrl("echo"), { headers: cronAuth })), 401, "unauthorized", "CRON_SECRET to be configured");
      await expectClientError(await GET(new Request(jobUrl("echo"), { headers: { authorization: "Bearer " } })), 401, "unauthorized");
      await expectNothingWritten(bare);
    });

    it.each([
      ["the cron secret", cronAuth],
      ["no Authorization", {}],
      ["a wrong admin token", { authorization: `Bearer ${TEST_SECRETS.admin}x` }],
      ["Basic with the admin token", { authorization: `Basic ${TEST_SECRETS.admin}` }],
    ] as [string, Record<string, string>][])("POST with %s -> 401 (the body is never read), nothing written", async (_name, headers) => {
      const { POST } = jobRoute("echo", bad.factory);
      const body = byteStream(10 * MAX_BODY_BYTES);
      const res = await POST(streamed(jobUrl("echo"), body.stream, { ...headers, "content-type": "application/json" }));
      await expectClientError(res, 401, "unauthorized", "Bearer <XBOT_ADMIN_TOKEN>");
      expect(body.pulled()).toBeLessThanOrEqual(2 * 1024); // only the stream's own first pull: the route never read it
      await expectNothingWritten(bad);
    });

    it.each(["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PROPFIND"])("%s -> 405 with an allow header, nothing written", async (method) => {
      const route = jobRoute("echo", bad.factory);
      const withBody = method !== "HEAD" && method !== "OPTIONS";
      const res = await route.POST(new Request(jobUrl("echo"), { method, headers: adminAuth, ...(withBody ? { body: "{}" } : {}) }));
      await expectClientError(res, 405, "method_not_allowed", "GET or POST");
      expect(res.headers.get("allow")).toBe("GET, POST");
      await expectNothingWritten(bad);
    });

    it.each(["{", '{"mode":', "undefined", "{'mode':'shadow'}", '{"mode":"shadow"}}', "\u0000"])("POST bad JSON %j -> 400 bad_json", async (body) => {
      const { POST } = jobRoute("echo", bad.factory);
      await expectClientError(await POST(new Request(jobUrl("echo"), { method: "POST", body, headers: adminAuth })), 400, "bad_json", "body is not JSON");
      await expectNothingWritten(bad);
    });

    it.each([
      ["an unknown key", '{"unknown":1}', 'Unrecognized key: "unknown"'],
      ["an unknown key next to valid ones", '{"mode":"shadow","params":{},"job":"echo"}', 'Unrecognized key: "job"'],
      ['mode "yolo"', '{"mode":"yolo"}', /Invalid option: expected one of "live"\|"dry"\|"shadow"\n\s+→ at mode/],
      ["mode of the wrong case", '{"mode":"LIVE"}', "→ at mode"],
      ["params a number", '{"params":5}', /expected record, received number\n\s+→ at params/],
      ["params an array", '{"params":[1,2]}', /expected record, received array\n\s+→ at params/],
      ["params a string", '{"params":"a=1"}', "→ at params"],
      ["params null", '{"params":null}', "→ at params"],
      ["an array body", "[]", "expected object, received array"],
      ["an array of a valid body", '[{"mode":"shadow"}]', "expected object, received array"],
      ["null", "null", "expected object, received null"],
      ["a string", '"shadow"', "expected object, received string"],
      ["a number", "42", "expected object, received number"],
      ["a __proto__ key", '{"__proto__":{"mode":"live"}}', 'Unrecognized key: "__proto__"'],
    ] as [string, string, string | RegExp][])("POST valid JSON with %s -> 400 with the zod message", async (_name, body, message) => {
      const { POST } = jobRoute("echo", bad.factory);
      await expectClientError(await POST(new Request(jobUrl("echo"), { method: "POST", body, headers: { ...adminAuth, "content-type": "application/json" } })), 400, "bad_request", message);
      await expectNothingWritten(bad);
    });

    it("POST over 64 KiB with a content-length -> 413 before reading", async () => {
      const { POST } = jobRoute("echo", bad.factory);
      const text = jsonOfSize(MAX_BODY_BYTES + 1);
      const res = await POST(new Request(jobUrl("echo"), { method: "POST", body: text, headers: { ...adminAuth, "content-length": String(text.length) } }));
      await expectClientError(res, 413, "payload_too_large", `${MAX_BODY_BYTES} bytes`);
      const lied = byteStream(10 * 1024 * 1024, 1024);
      await expectClientError(await POST(streamed(jobUrl("echo"), lied.stream, { ...adminAuth, "content-length": "10000000" })), 413, "payload_too_large");
      expect(lied.pulled()).toBeLessThanOrEqual(2 * 1024); // the stream's own first pull, nothing read by the route
      await expectNothingWritten(bad);
    });

    it("POST over 64 KiB streamed without a content-length (or with a smaller one) -> 413, reading stops", async () => {
      const { POST } = jobRoute("echo", bad.factory);
      for (const headers of [adminAuth, { ...adminAuth, "content-length": "2" }]) {
        const body = byteStream(1024 * 1024, 4096, 0x20);
        const res = await POST(streamed(jobUrl("echo"), body.stream, headers));
        await expectClientError(res, 413, "payload_too_large");
        expect(body.pulled()).toBeLessThanOrEqual(MAX_BODY_BYTES + 2 * 4096);
        expect(body.cancelled()).toBe(true);
      }
      await expectNothingWritten(bad);
    });

    it("POST of exactly 64 KiB is accepted, one byte more is refused", async () => {
      const exact = jsonOfSize(MAX_BODY_BYTES);
      expect(Buffer.byteLength(exact)).toBe(MAX_BODY_BYTES);
      const ok = await jobRoute("echo", good.factory).POST(new Request(jobUrl("echo"), { method: "POST", body: exact, headers: { ...adminAuth, "content-length": String(MAX_BODY_BYTES) } }));
      expect(ok.status).toBe(200);
      const over = byteStream(MAX_BODY_BYTES + 1, 1000, 0x20);
      await expectClientError(await jobRoute("echo", bad.factory).POST(streamed(jobUrl("echo"), over.stream, adminAuth)), 413, "payload_too_large");
      await expectNothingWritten(bad);
    });

    it.each([
      ["a 0xff byte", [0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0x7d]],
      ["an overlong '/'", [0x7b, 0xc0, 0xaf, 0x7d]],
      ["a lone surrogate", [0x22, 0xed, 0xa0, 0x80, 0x22]],
      ["a truncated sequence", [0x7b, 0x7d, 0xe2, 0x82]],
    ] as [string, number[]][])("POST with invalid UTF-8 (%s) -> 400 bad_encoding", async (_name, bytes) => {
      const { POST } = jobRoute("echo", bad.factory);
      await expectClientError(await POST(new Request(jobUrl("echo"), { method: "POST", body: new Uint8Array(bytes), headers: adminAuth })), 400, "bad_encoding", "UTF-8");
      await expectNothingWritten(bad);
    });

    it("a body stream that errors (the client went away) -> 400, not a 500", async () => {
      const { POST } = jobRoute("echo", bad.factory);
      let sent = false;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (!sent) {
            sent = true;
            return controller.enqueue(new TextEncoder().encode('{"mode":'));
          }
          controller.error(new Error("socket hang up"));
        },
      });
      await expectClientError(await POST(streamed(jobUrl("echo"), stream, adminAuth)), 400, "bad_request", "could not be read");
      await expectNothingWritten(bad);
    });

    it("unknown job -> 404 for GET and POST, authenticated or not", async () => {
      const route = jobRoute("nope", bad.factory);
      await expectClientError(await route.GET(new Request(jobUrl("nope"), { headers: cronAuth })), 404, "unknown_job", 'no job named "nope"');
      await expectClientError(await route.POST(new Request(jobUrl("nope"), { method: "POST", body: "{}", headers: adminAuth })), 404, "unknown_job");
      await expectClientError(await route.GET(new Request(jobUrl("nope"))), 404, "unknown_job");
      await expectNothingWritten(bad, "nope");
    });

    it("valid cron GET -> 200 {job, runId, status: ok, durationMs}, recorded as cron", async () => {
      const res = await jobRoute("echo", good.factory).GET(new Request(jobUrl("echo"), { headers: cronAuth }));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await res.json()) as Json;
      expect(body).toMatchObject({ job: "echo", status: "ok", mode: "live", summary: { trigger: "cron", params: {} } });
      expect(body.runId).toMatch(/^echo_[a-z0-9]+_[0-9a-f]{10}$/);
      expect(typeof body.durationMs).toBe("number");
      expect(body.durationMs).toBeGreaterThanOrEqual(0);
      const deps = await good.factory();
      const [row] = (await recentRuns(deps.clients.sql, { job: "echo", limit: 200 })).filter((r) => r.id === body.runId);
      expect(row).toMatchObject({ trigger: "cron", mode: "live", status: "ok" });
    });

    it("valid cron GET with the secret in other accepted spellings (scheme case, tabs, several spaces)", async () => {
      const { GET } = jobRoute("echo", good.factory);
      for (const authorization of [`bearer ${TEST_SECRETS.cron}`, `BEARER\t${TEST_SECRETS.cron}`, `Bearer    ${TEST_SECRETS.cron}   `]) {
        const res = await GET(new Request(jobUrl("echo"), { headers: { authorization } }));
        expect(res.status, authorization).toBe(200);
      }
    });

    it('valid manual POST {mode: "shadow", params} -> 200, recorded as manual and shadow with the params', async () => {
      const params = { id: 7, tags: ["a", "b"], nested: { deep: true }, text: "héllo ✓" };
      const res = await jobRoute("echo", good.factory).POST(
        new Request(jobUrl("echo"), { method: "POST", body: JSON.stringify({ mode: "shadow", params }), headers: { ...adminAuth, "content-type": "application/json" } }),
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      expect(body).toMatchObject({ job: "echo", status: "ok", mode: "shadow", summary: { params, mode: "shadow", trigger: "manual" } });
      const deps = await good.factory();
      const [row] = (await recentRuns(deps.clients.sql, { job: "echo", limit: 200 })).filter((r) => r.id === body.runId);
      expect(row).toMatchObject({ trigger: "manual", mode: "shadow", status: "ok", summary: { params } });
    });

    it("valid manual POST with an empty body runs in the configured mode", async () => {
      const res = await jobRoute("echo", good.factory).POST(new Request(jobUrl("echo"), { method: "POST", headers: adminAuth }));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: "ok", mode: "live", summary: { trigger: "manual" } });
    });
  });

  describe("/api/queue", () => {
    it("no signing keys configured -> 401 even for a correctly signed delivery", async () => {
      const body = JSON.stringify({ job: "echo" });
      const res = await queueRoute(bare.factory).POST(delivery(body, { "upstash-signature": sign(body), "upstash-message-id": newMessageId() }));
      await expectClientError(res, 401, "unauthorized", "signing keys are not configured");
      await expectNothingWritten(bare);
    });

    it("missing or empty Upstash-Signature -> 401", async () => {
      const { POST } = queueRoute(bad.factory);
      const body = JSON.stringify({ job: "echo" });
      await expectClientError(await POST(delivery(body)), 401, "unauthorized", "missing Upstash-Signature");
      await expectClientError(await POST(delivery(body, { "upstash-signature": "" })), 401, "unauthorized", "missing Upstash-Signature");
      await expectNothingWritten(bad);
    });

    const now = () => Math.floor(Date.now() / 1000);
    const forged: [string, (body: string) => string][] = [
      ["signed for another body", () => sign(JSON.stringify({ job: "slow" }))],
      ["signed for the body plus a space", (body) => sign(`${body} `)],
      ["signed for another URL (query string)", (body) => sign(body, { url: `${QUEUE_URL}?x=1` })],
      ["signed for another host", (body) => sign(body, { url: "http://evil.test/api/queue" })],
      ["signed for https instead of http", (body) => sign(body, { url: QUEUE_URL.replace("http:", "https:") })],
      ["signed with a wrong key", (body) => sign(body, { key: "sig_notTheRightKey0123456789" })],
      ["signed with the current key plus one character", (body) => sign(body, { key: `${qstash().currentSigningKey}x` })],
      ["expired", (body) => sign(body, { now: now() - 3_600, ttlSeconds: 300 })],
      ["not valid yet", (body) => sign(body, { now: now() + 3_600 })],
      ["garbage", () => "not.a.jwt"],
      ["a JWT with alg none", (body) => `${sign(body).split(".").slice(0, 2).join(".")}.`],
      [
        "a valid signature with a flipped character",
        (body) => {
          const s = sign(body);
          return s.slice(0, -3) + (s.at(-3) === "A" ? "B" : "A") + s.slice(-2);
        },
      ],
    ];
    it.each(forged)("signature %s -> 401, nothing written", async (_name, signature) => {
      const body = JSON.stringify({ job: "echo" });
      const res = await queueRoute(bad.factory).POST(delivery(body, { "upstash-signature": signature(body), "upstash-message-id": newMessageId(), "upstash-retried": "0" }));
      await expectClientError(res, 401, "unauthorized", "invalid Upstash-Signature");
      await expectNothingWritten(bad);
    });

    it("valid signature + bad JSON -> 489 bad_json, not retried by QStash", async () => {
      for (const body of ["{", '{"job":"echo"', "job=echo"]) {
        const res = await queueRoute(bad.factory).POST(delivery(body, { "upstash-signature": sign(body), "upstash-message-id": newMessageId() }));
        expect(res.headers.get("upstash-nonretryable-error")).toBe("true");
        await expectClientError(res, 489, "bad_json");
      }
      await expectNothingWritten(bad);
    });

    it.each([
      ["an empty object", "{}", /expected string, received undefined\n\s+→ at job/],
      ["an empty body", "", "→ at job"],
      ["an empty job name", '{"job":""}', "→ at job"],
      ["a job name over 64 characters", JSON.stringify({ job: "j".repeat(65) }), "→ at job"],
      ["a numeric job", '{"job":1}', "→ at job"],
      ["an unknown key", '{"job":"echo","delay":5}', 'Unrecognized key: "delay"'],
      ['mode "yolo"', '{"job":"echo","mode":"yolo"}', "→ at mode"],
      ["params an array", '{"job":"echo","params":[]}', "→ at params"],
      ["an array body", '[{"job":"echo"}]', "expected object, received array"],
    ] as [string, string, string | RegExp][])("valid signature + %s -> 489 (QStash: do not retry) with the zod message", async (_name, body, message) => {
      const res = await queueRoute(bad.factory).POST(delivery(body, { "upstash-signature": sign(body), "upstash-message-id": newMessageId() }));
      expect(res.headers.get("upstash-nonretryable-error")).toBe("true");
      await expectClientError(res, 489, "bad_request", message);
      await expectNothingWritten(bad);
    });

    it("valid signature + invalid UTF-8 -> 400 bad_encoding", async () => {
      const bytes = Buffer.from([0x7b, 0x22, 0x6a, 0x6f, 0x62, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
      const res = await queueRoute(bad.factory).POST(delivery(new Uint8Array(bytes), { "upstash-signature": sign(bytes) }));
      await expectClientError(res, 400, "bad_encoding");
      await expectNothingWritten(bad);
    });

    it("valid signature + a body over 64 KiB -> 413", async () => {
      const body = jsonOfSize(MAX_BODY_BYTES + 10, '"job":"echo",');
      const { POST } = queueRoute(bad.factory);
      await expectClientError(await POST(delivery(body, { "upstash-signature": sign(body), "content-length": String(body.length) })), 413, "payload_too_large");
      const stream = byteStream(MAX_BODY_BYTES * 2);
      await expectClientError(await POST(streamed(QUEUE_URL, stream.stream, { "upstash-signature": sign(body) })), 413, "payload_too_large");
      await expectNothingWritten(bad);
    });

    it("valid signature + unknown job -> 489 unknown_job, not retried", async () => {
      const body = JSON.stringify({ job: "nope", params: {} });
      const res = await queueRoute(bad.factory).POST(delivery(body, { "upstash-signature": sign(body), "upstash-message-id": newMessageId() }));
      expect(res.headers.get("upstash-nonretryable-error")).toBe("true");
      await expectClientError(res, 489, "unknown_job", 'no job named "nope"');
      await expectNothingWritten(bad, "nope");
    });

    it("PUT / GET -> 405 allow POST", async () => {
      const { POST } = queueRoute(bad.factory);
      for (const method of ["PUT", "GET", "DELETE"]) {
        const res = await POST(new Request(QUEUE_URL, { method }));
        await expectClientError(res, 405, "method_not_allowed");
        expect(res.headers.get("allow")).toBe("POST");
      }
      await expectNothingWritten(bad);
    });

    it("valid delivery -> 200 and the job ran (recorded as queue, with mode and params); the next signing key works too", async () => {
      const deps = await good.factory();
      for (const key of [qstash().currentSigningKey, qstash().nextSigningKey]) {
        const body = JSON.stringify({ job: "echo", mode: "dry", params: { key: key.slice(0, 6) } });
        const res = await queueRoute(good.factory).POST(
          delivery(body, { "upstash-signature": sign(body, { key }), "upstash-message-id": newMessageId(), "upstash-retried": "0", "content-type": "application/json" }),
        );
        expect(res.status).toBe(200);
        const result = (await res.json()) as Json;
        expect(result).toMatchObject({ job: "echo", status: "ok", mode: "dry", summary: { trigger: "queue", mode: "dry", params: { key: key.slice(0, 6) } } });
        const [row] = (await recentRuns(deps.clients.sql, { job: "echo", limit: 200 })).filter((r) => r.id === result.runId);
        expect(row).toMatchObject({ trigger: "queue", mode: "dry", status: "ok" });
      }
    });

    it("the same Upstash-Message-Id + Upstash-Retried twice at once: one runs, one is skipped as duplicate; a higher Upstash-Retried runs again", async () => {
      const { POST } = queueRoute(good.factory);
      const body = JSON.stringify({ job: "slow" });
      const messageId = newMessageId();
      const send = (retried: number) => POST(delivery(body, { "upstash-signature": sign(body), "upstash-message-id": messageId, "upstash-retried": String(retried) }));
      const pair = await Promise.all([send(0), send(0)]);
      expect(pair.map((r) => r.status)).toEqual([200, 200]);
      const results = (await Promise.all(pair.map((r) => r.json()))) as { status: string; reason?: string; runId: string }[];
      expect(results.map((r) => r.status).sort()).toEqual(["ok", "skipped"]);
      expect(results.find((r) => r.status === "skipped")?.reason).toBe("duplicate");
      const again = await send(0);
      expect(await again.json()).toMatchObject({ status: "skipped", reason: "duplicate" });
      const retry = await send(1);
      expect(retry.status).toBe(200);
      expect(await retry.json()).toMatchObject({ status: "ok" });
      const deps = await good.factory();
      const runs = (await recentRuns(deps.clients.sql, { job: "slow", limit: 200 })).filter((r) => r.trigger === "queue");
      expect(runs.filter((r) => r.status === "ok")).toHaveLength(2);
      expect(runs.filter((r) => r.status === "skipped" && r.reason === "duplicate")).toHaveLength(2);
    });

    // Upstash-Retried is not covered by the signature: an unusable value is a 400, never a key
    // that breaks admission (which would look like the state store being down).
    it("an unusable Upstash-Retried is refused or ignored, never reported as the state store being down", async () => {
      const body = JSON.stringify({ job: "echo" });
      const res = await queueRoute(good.factory).POST(delivery(body, { "upstash-signature": sign(body), "upstash-message-id": newMessageId(), "upstash-retried": "1 2" }));
      expect(res.status).toBeLessThan(500);
      expect(await res.json()).not.toMatchObject({ reason: "state_unavailable" });
    });
    it("the same delivery twice never runs a whenStateDown: run job twice, whatever Upstash-Retried says", async () => {
      const factory = () => createRuntime({ env: good.env, jobs: [...jobs, resilientJob], logSink: (l) => good.logs.push(l) });
      const body = JSON.stringify({ job: "resilient" });
      const messageId = newMessageId();
      const send = () => queueRoute(factory).POST(delivery(body, { "upstash-signature": sign(body), "upstash-message-id": messageId, "upstash-retried": "0 " + "x" }));
      const results = [(await (await send()).json()) as Json, (await (await send()).json()) as Json];
      expect(results.filter((r) => r.status === "ok").length).toBeLessThanOrEqual(1);
      expect(results.filter((r) => r.reason === "state_unavailable")).toHaveLength(0);
    });

    // The signature covers the raw bytes, a leading BOM included.
    it("a correctly signed body starting with a UTF-8 BOM is not refused as a bad signature", async () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ job: "echo" }))]);
      const res = await queueRoute(good.factory).POST(delivery(new Uint8Array(bytes), { "upstash-signature": sign(bytes), "upstash-message-id": newMessageId() }));
      expect(res.status).not.toBe(401);
    });

    it("QSTASH_DEV=true in the environment does not make the public dev key valid", async () => {
      const factory = () =>
        createRuntime({
          env: { ...good.env, QSTASH_CURRENT_SIGNING_KEY: "sig_operatorCurrentKey000000", QSTASH_NEXT_SIGNING_KEY: "sig_operatorNextKey000000000" },
          jobs,
          logSink: (l) => good.logs.push(l),
        });
      const body = JSON.stringify({ job: "echo", params: { forged: true } });
      const before = process.env.QSTASH_DEV;
      process.env.QSTASH_DEV = "true";
      try {
        const res = await queueRoute(factory).POST(delivery(body, { "upstash-signature": sign(body, { key: QSTASH_DEV_CREDENTIALS.currentSigningKey }) }));
        expect(res.status).toBe(401);
      } finally {
        if (before === undefined) delete process.env.QSTASH_DEV;
        else process.env.QSTASH_DEV = before;
      }
    });
  });

  describe("/api/health and /api/status", () => {
    it("public GET -> {status} only; a wrong or cron token changes nothing", async () => {
      const { GET } = healthRoute(bad.factory);
      for (const headers of [{}, cronAuth, { authorization: `Bearer ${TEST_SECRETS.admin}x` }, { authorization: "Basic x" }] as Record<string, string>[]) {
        const res = await GET(new Request(`${BASE}/api/health`, { headers }));
        expect(res.status).toBe(200);
        const body = (await res.json()) as Json;
        expect(Object.keys(body)).toEqual(["status"]);
        expect(body.status).toBe("ok");
      }
      await expectNothingWritten(bad);
    });

    it("with the admin token -> the full report", async () => {
      const res = await healthRoute(bad.factory).GET(new Request(`${BASE}/api/health`, { headers: adminAuth }));
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      expect(Object.keys(body)).toEqual(expect.arrayContaining(["status", "level", "breakers", "jobs", "probes", "order", "lastRuns"]));
      expect(body).toMatchObject({ status: "ok", level: 3, breakers: {}, lastRuns: {}, probes: { db: { ok: true }, state: { ok: true } } });
      expect(Object.keys(body.jobs as Json).sort()).toEqual(["echo", "slow"]);
      await expectNothingWritten(bad);
    });

    it("POST / HEAD -> 405 allow GET", async () => {
      for (const route of [healthRoute(bad.factory), statusRoute(bad.factory)]) {
        for (const method of ["POST", "HEAD", "PUT"]) {
          const res = await route.GET(new Request(`${BASE}/api/health`, { method, headers: adminAuth }));
          await expectClientError(res, 405, "method_not_allowed", "use GET");
          expect(res.headers.get("allow")).toBe("GET");
        }
      }
      await expectNothingWritten(bad);
    });

    it("status without (or with a wrong) token -> 401; with the admin token -> 200", async () => {
      const { GET } = statusRoute(bad.factory);
      for (const headers of [{}, cronAuth, { authorization: "Bearer" }, { authorization: `Bearer ${TEST_SECRETS.admin} x` }] as Record<string, string>[]) {
        await expectClientError(await GET(new Request(`${BASE}/api/status`, { headers })), 401, "unauthorized", "XBOT_ADMIN_TOKEN");
      }
      const res = await GET(new Request(`${BASE}/api/status`, { headers: adminAuth }));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ health: { status: "ok" }, runs: [], queue: { items: [] } });
      await expectNothingWritten(bad);
    });
  });

  describe("operator mistakes", () => {
    const secretValues = () => [
      TEST_SECRETS.cron,
      TEST_SECRETS.admin,
      bad.env.DATABASE_URL!,
      qstash().currentSigningKey,
      qstash().nextSigningKey,
      ...(bad.env.UPSTASH_REDIS_REST_TOKEN ? [bad.env.UPSTASH_REDIS_REST_TOKEN] : []),
    ];
    const brokenFactory = (extra: Record<string, string>) => () => createRuntime({ env: { ...bad.env, ...extra }, jobs, logSink: (l) => bad.logs.push(l) });

    it.each([
      ["XBOT_PORT=abc", { XBOT_PORT: "abc" }, "XBOT_PORT", "abc"],
      ["a CRON_SECRET under 16 characters", { CRON_SECRET: "short-secret-1" }, "CRON_SECRET", null],
      ["a QStash current key without the next one", { QSTASH_NEXT_SIGNING_KEY: "" }, "QSTASH_NEXT_SIGNING_KEY", null],
      ["a malformed DATABASE_URL", { DATABASE_URL: "mysql://user:hunter2hunter2@db/x" }, "DATABASE_URL", null],
    ] as [string, Record<string, string>, string, string | null][])("%s -> 500 config_invalid naming the variable, no secret values, on every route", async (_name, extra, variable, shownValue) => {
      const factory = brokenFactory(extra);
      const requests: [string, Promise<Response>][] = [
        ["jobs GET", jobRoute("echo", factory).GET(new Request(jobUrl("echo"), { headers: cronAuth }))],
        ["jobs POST", jobRoute("echo", factory).POST(new Request(jobUrl("echo"), { method: "POST", body: "{}", headers: adminAuth }))],
        ["queue", queueRoute(factory).POST(delivery("{}", { "upstash-signature": sign("{}") }))],
        ["health", healthRoute(factory).GET(new Request(`${BASE}/api/health`))],
        ["status", statusRoute(factory).GET(new Request(`${BASE}/api/status`, { headers: adminAuth }))],
      ];
      const hidden = [
        ...secretValues(),
        ...Object.entries(extra)
          .filter(([k]) => k !== "XBOT_PORT")
          .map(([, v]) => v)
          .filter(Boolean),
      ];
      for (const [route, pending] of requests) {
        const res = await pending;
        expect(res.status, route).toBe(500);
        const body = (await res.json()) as { error: string; message: string };
        expect(body.error).toBe("config_invalid");
        expect(body.message).toContain(variable);
        if (shownValue) expect(body.message).toContain(shownValue);
        for (const secret of hidden) expect(body.message, route).not.toContain(secret);
      }
      await expectNothingWritten(bad);
    });

    it("the method check comes first: PUT with a broken config is still 405", async () => {
      const res = await jobRoute("echo", brokenFactory({ XBOT_PORT: "abc" })).POST(new Request(jobUrl("echo"), { method: "PUT", body: "{}" }));
      await expectClientError(res, 405, "method_not_allowed");
    });

    it("a runtime that cannot start for another reason -> 503 with its code and no internals", async () => {
      const res = await jobRoute("echo", async () => {
        throw new XbotError("db_unavailable", "connect ECONNREFUSED 10.1.2.3:5432 password=hunter2");
      }).GET(new Request(jobUrl("echo"), { headers: cronAuth }));
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe("db_unavailable");
      expect(body.message).not.toContain("hunter2");
      expect(body.message).not.toContain("10.1.2.3");
    });
  });
});
