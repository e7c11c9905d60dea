/**
 * HTTP fuzzing (fast-check) of every route in-process on real Postgres and Redis state: arbitrary
 * methods (odd and lowercase ones too), Authorization values, content types, lying
 * content-lengths, random bytes, random and deeply nested JSON and ~100 KB strings, sent
 * as plain or streamed bodies, and for the queue arbitrary signatures and delivery headers.
 *
 * Properties: never a 5xx (the runtime is healthy and the only job is a no-op, so even a
 * valid authenticated request must not fail); a 4xx is always exactly `{error, message}`
 * (405 with an allow header); an unauthenticated request never writes a job_runs row or
 * any state; the route never logs an unhandled error.
 *
 * Only valid Request objects are built (undici refuses a body on GET/HEAD and methods such
 * as CONNECT): the fuzz is about what the server receives.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis as IORedis } from "ioredis";
import fc from "fast-check";
import { defineJob } from "../../lib/jobs/job.js";
import { jobRoute } from "../../lib/runtime/http/job-route.js";
import { queueRoute } from "../../lib/runtime/http/queue-route.js";
import { healthRoute } from "../../lib/runtime/http/health-route.js";
import { statusRoute } from "../../lib/runtime/http/status-route.js";
import { artifactRoute } from "../../lib/runtime/http/artifact-route.js";
import { availableStores, testRuntime, TEST_SECRETS, type TestRuntime } from "../support/runtime.js";
import { signQStashJwt } from "../support/qstash-shim.js";
import { services } from "../support/env.js";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { createLocalHandler } from "../../lib/dev/server.js";
import type { LocalRuntime } from "../../lib/dev/local.js";
import { PLAN_PARAMS } from "../../lib/jobs/planning/settings.js";

const NUM_RUNS = 150;
const BASE = "http://xbot.test";
const QUEUE_URL = `${BASE}/api/queue`;

const noopJob = defineJob({
  name: "noop",
  schedule: "*/5 * * * *",
  maxDurationMs: 30_000,
  needs: ["db", "state"],
  async run(ctx) {
    return { mode: ctx.mode };
  },
});

/** Declares the plan job's params schema (and a strict one): wrong types must be a 400 before the run. */
const typedJob = defineJob({
  name: "typed",
  schedule: "*/5 * * * *",
  maxDurationMs: 30_000,
  needs: ["db", "state"],
  params: PLAN_PARAMS,
  async run() {
    return {};
  },
});
const strictJob = defineJob({
  name: "strict",
  schedule: "*/5 * * * *",
  maxDurationMs: 30_000,
  needs: ["db", "state"],
  params: z.strictObject({ n: z.number().int().min(0).max(9).optional(), s: z.string().max(20).optional() }),
  async run() {
    return {};
  },
});

// ---------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------

/** A character a header value may hold (a ByteString without NUL, CR or LF). */
const headerChar = fc
  .integer({ min: 1, max: 255 })
  .filter((c) => c !== 10 && c !== 13)
  .map((c) => String.fromCharCode(c));
const headerValue = (maxLength = 80) => fc.string({ unit: headerChar, maxLength });

const method = fc
  .oneof(
    fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "get", "post", "put", "delete", "head", "options", "Post", "gEt", "PoSt", "PROPFIND", "M-SEARCH", "purge", "LINK", "X"),
    fc.stringMatching(/^[A-Za-z][A-Za-z-]{0,11}$/),
  )
  .filter((m) => !["CONNECT", "TRACE", "TRACK"].includes(m.toUpperCase()));

/** An Authorization header and whether it is one of the accepted spellings of a secret. */
type Auth = { value?: string; valid: "cron" | "admin" | null };
const spellings = (secret: string) => [`Bearer ${secret}`, `bearer ${secret}`, `BEARER\t${secret}`, `Bearer    ${secret}  `];
const mutate = (secret: string) =>
  fc.oneof(
    fc.nat({ max: secret.length - 1 }).map((k) => `Bearer ${secret.slice(0, k)}`),
    fc.nat({ max: secret.length - 1 }).map((k) => `Bearer ${secret.slice(0, k)}${secret[k] === "x" ? "y" : "x"}${secret.slice(k + 1)}`),
    fc.constantFrom(`Bearer ${secret}x`, `Bearer ${secret} ${secret}`, `Basic ${secret}`, `Bearer:${secret}`, `Bearer${secret}`, secret, `Bearer ${secret.toUpperCase()}`),
  );
const auth: fc.Arbitrary<Auth> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Auth>({ valid: null }) },
  { weight: 2, arbitrary: fc.constantFrom(...spellings(TEST_SECRETS.cron)).map<Auth>((value) => ({ value, valid: "cron" })) },
  { weight: 2, arbitrary: fc.constantFrom(...spellings(TEST_SECRETS.admin)).map<Auth>((value) => ({ value, valid: "admin" })) },
  { weight: 2, arbitrary: fc.oneof(mutate(TEST_SECRETS.cron), mutate(TEST_SECRETS.admin)).map<Auth>((value) => ({ value, valid: null })) },
  { weight: 2, arbitrary: headerValue().map<Auth>((value) => ({ value, valid: null })) },
  { weight: 1, arbitrary: headerValue().map<Auth>((value) => ({ value: `Bearer ${value}`, valid: null })) },
  { weight: 1, arbitrary: fc.base64String({ maxLength: 40 }).map<Auth>((value) => ({ value: `Basic ${value}`, valid: null })) },
);

const contentType = fc.option(
  fc.oneof(
    fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream"),
    headerValue(40),
  ),
  { nil: undefined },
);

/** What the content-length header says relative to the real body. */
const contentLength = fc.constantFrom("none", "none", "exact", "smaller", "larger", "huge", "garbage", "negative", "hex", "zero");

const jsonText = (value: unknown) => JSON.stringify(value);
const modeArb = fc.constantFrom("live", "dry", "shadow", "yolo", "", "LIVE");
const paramsArb = fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }), fc.jsonValue({ maxDepth: 2 }));

/** Bodies as bytes: random bytes, random JSON, schema-shaped JSON, deep nesting, huge strings. */
const body = (schemaShaped: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 2_048 }),
    fc.json({ maxDepth: 5 }).map((t) => Buffer.from(t)),
    fc.string({ unit: "binary", maxLength: 300 }).map((t) => Buffer.from(t)),
    schemaShaped.map((v) => Buffer.from(jsonText(v))),
    fc.integer({ min: 1, max: 40_000 }).map((d) => Buffer.from("[".repeat(d) + "]".repeat(d))),
    fc.integer({ min: 1, max: 20_000 }).map((d) => Buffer.from(`{"params":${'{"a":'.repeat(d)}1${"}".repeat(d)}}`)),
    fc.integer({ min: 1, max: 30_000 }).map((d) => Buffer.from("[".repeat(d))),
    fc.integer({ min: 0, max: 100_000 }).map((n) => Buffer.from(jsonText({ params: { s: "x".repeat(n) } }))),
    fc.integer({ min: 0, max: 100_000 }).map((n) => Buffer.from("\u00e9".repeat(n / 2))),
    fc.constant(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d])),
    fc.constant(new Uint8Array(0)),
  );

/** A string with control characters (NUL included) in it. */
const controlString = fc.tuple(fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 31 }), fc.string({ maxLength: 6 })).map(([a, c, b]) => `${a}${String.fromCharCode(c)}${b}`);
/** A value of any JSON type, or one with control characters: the wrong type for most params. */
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), controlString, fc.integer({ min: -5, max: 200 }), fc.double(), fc.constant("x"), fc.constant(null));
/** Params for the typed jobs: their own keys with values of every type, unknown keys, control characters in keys. */
const typedParams = fc.dictionary(fc.oneof(fc.constantFrom("target", "maxPerRun", "n", "s"), fc.string({ maxLength: 6 }), controlString), anyValue, { maxKeys: 4 });
/** A path segment with good and broken percent-encoding and control characters, percent-encoded. */
const pathSegment = fc.oneof(
  fc.constantFrom("heal", "noop", "%zz", "%", "%E0%A4%A", "%C3", "%00", "%0A", "%2F", "%25", "%ff%fe", "..", "%2e%2e", "noop%00", "no%6Fp"),
  fc.string({ maxLength: 8 }).map(encodeURIComponent),
  controlString.map(encodeURIComponent),
);
/** Every method node's HTTP parser accepts (any other it refuses itself with a bare 400), in any case: TRACE included. */
const anyMethod = fc.constantFrom(
  "GET",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "HEAD",
  "OPTIONS",
  "TRACE",
  "trace",
  "PROPFIND",
  "PROPPATCH",
  "PURGE",
  "SEARCH",
  "LOCK",
  "UNLOCK",
  "MKCOL",
  "COPY",
  "MOVE",
  "REPORT",
  "NOTIFY",
  "SUBSCRIBE",
  "LINK",
  "UNLINK",
  "QUERY",
  "post",
  "Get",
);

const manualShaped = fc.record({ mode: modeArb, params: paramsArb, extra: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] });
const queueShaped = fc.record(
  { job: fc.constantFrom("noop", "nope", "", "NOOP", "x".repeat(65), "__proto__", "constructor"), mode: modeArb, params: paramsArb, extra: fc.jsonValue({ maxDepth: 1 }) },
  { requiredKeys: ["job"] },
);

/** How the body is sent: one buffer, a stream of random-sized chunks, or a stream that breaks off (the client went away). */
const delivery = fc.record({ as: fc.constantFrom("buffer", "buffer", "stream", "broken"), chunk: fc.integer({ min: 1, max: 20_000 }) });

type RequestSpec = {
  method: string;
  auth: Auth;
  contentType: string | undefined;
  contentLength: string;
  body: Uint8Array;
  delivery: { as: "buffer" | "stream" | "broken"; chunk: number };
  extra: Record<string, string>;
};

const spec = (bodies: fc.Arbitrary<Uint8Array>, extra: fc.Arbitrary<Record<string, string>>): fc.Arbitrary<RequestSpec> =>
  fc.record({ method, auth, contentType, contentLength, body: bodies, delivery, extra });

const executionHeaders = fc.record(
  {
    "x-vercel-schedule-execution-id": fc.oneof(fc.stringMatching(/^[\w.:-]{1,20}$/), headerValue(40)),
    "x-xbot-execution-id": fc.oneof(fc.stringMatching(/^[\w.:-]{1,20}$/), headerValue(200)),
  },
  { requiredKeys: [] },
);

type Signature = "none" | "valid" | "validNext" | "otherBody" | "otherUrl" | "wrongKey" | "expired" | "future" | { random: string };
const signature: fc.Arbitrary<Signature> = fc.oneof(
  fc.constantFrom<Signature>("none", "valid", "valid", "validNext", "otherBody", "otherUrl", "wrongKey", "expired", "future"),
  headerValue(300).map<Signature>((random) => ({ random })),
);
const queueHeaders = fc.record(
  {
    "upstash-message-id": fc.oneof(fc.stringMatching(/^msg_[A-Za-z0-9_-]{1,24}$/), headerValue(200)),
    "upstash-retried": fc.oneof(fc.nat({ max: 5 }).map(String), fc.stringMatching(/^[0-9]{1,4}$/)),
  },
  { requiredKeys: [] },
);

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

function lengthHeader(kind: string, size: number): string | undefined {
  switch (kind) {
    case "exact":
      return String(size);
    case "smaller":
      return String(Math.max(0, Math.floor(size / 2) - 1));
    case "larger":
      return String(size + 1 + Math.floor(size / 2));
    case "huge":
      return "99999999999";
    case "garbage":
      return "ten";
    case "negative":
      return "-1";
    case "hex":
      return "0x20000";
    case "zero":
      return "0";
    default:
      return undefined;
  }
}

function chunked(bytes: Uint8Array, chunk: number, broken: boolean): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (broken && at >= bytes.length / 2) return controller.error(new Error("socket hang up"));
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

/** Builds a valid Request from a spec (no body on GET/HEAD). */
function build(url: string, s: RequestSpec, more: Record<string, string> = {}): Request {
  const headers = new Headers();
  if (s.auth.value !== undefined) headers.set("authorization", s.auth.value);
  if (s.contentType !== undefined) headers.set("content-type", s.contentType);
  for (const [k, v] of Object.entries({ ...s.extra, ...more })) headers.set(k, v);
  const bodiless = ["GET", "HEAD"].includes(s.method.toUpperCase());
  if (bodiless) return new Request(url, { method: s.method, headers });
  const length = lengthHeader(s.contentLength, s.body.length);
  if (length !== undefined) headers.set("content-length", length);
  if (s.delivery.as !== "buffer") return new Request(url, { method: s.method, headers, body: chunked(s.body, s.delivery.chunk, s.delivery.as === "broken"), duplex: "half" } as RequestInit);
  return new Request(url, { method: s.method, headers, body: new Uint8Array(s.body) });
}

const normalised = (m: string) => (["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"].includes(m.toUpperCase()) ? m.toUpperCase() : m);

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

describe.each(availableStores())("HTTP fuzz on %s state", (store) => {
  let rt: TestRuntime;
  let redis: IORedis | undefined;
  const qstash = () => services().qstash!;

  beforeAll(async () => {
    rt = await testRuntime(store, { jobs: [noopJob, typedJob, strictJob], env: { QSTASH_CURRENT_SIGNING_KEY: qstash().currentSigningKey, QSTASH_NEXT_SIGNING_KEY: qstash().nextSigningKey } });
    if (store === "redis") redis = new IORedis(services().redis!.url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis?.quit();
  });

  /** Rows in job_runs plus entries of the state store (Postgres: same database; Redis: keys under the prefix). */
  async function footprint(): Promise<{ runs: number; state: number }> {
    const deps = await rt.factory();
    const [row] = await deps.clients.sql.query<{ runs: string; state: string }>(
      "SELECT (SELECT count(*) FROM job_runs) AS runs, (SELECT count(*) FROM xbot_kv) + (SELECT count(*) FROM xbot_leases) AS state",
    );
    const state = redis ? (await redis.keys(`${rt.env.XBOT_PREFIX}:*`)).length : Number(row!.state);
    return { runs: Number(row!.runs), state };
  }

  /** Sends one request and checks the properties every route shares. */
  async function check(send: () => Promise<Response>, authenticated: boolean, describeIt: () => string): Promise<Response> {
    const before = await footprint();
    const res = await send();
    const text = await res.text();
    const context = `${describeIt()} -> ${res.status} ${text.slice(0, 300)}`;
    expect(res.status, context).toBeLessThan(500);
    expect(res.headers.get("content-type"), context).toMatch(/^application\/json/);
    const json = JSON.parse(text) as Record<string, unknown>;
    if (res.status >= 400) {
      expect(Object.keys(json).sort(), context).toEqual(["error", "message"]);
      expect(typeof json.error === "string" && typeof json.message === "string", context).toBe(true);
      if (res.status === 405) expect(res.headers.get("allow"), context).toBeTruthy();
    }
    if (!authenticated) expect(await footprint(), context).toEqual(before);
    return new Response(text, { status: res.status, headers: res.headers });
  }

  const show = (s: RequestSpec, extra = "") =>
    `${s.method} auth=${JSON.stringify(s.auth.value)?.slice(0, 60)} ct=${s.contentType} cl=${s.contentLength} body=${s.body.length}B${s.delivery.as === "buffer" ? "" : ` ${s.delivery.as}/${s.delivery.chunk}`} ${extra}`;

  it(`/api/jobs/<job>: ${NUM_RUNS} arbitrary requests`, async () => {
    const route = jobRoute("noop", rt.factory);
    const unknown = jobRoute("nope", rt.factory);
    await fc.assert(
      fc.asyncProperty(spec(body(manualShaped), executionHeaders), fc.boolean(), async (s, knownJob) => {
        const m = normalised(s.method);
        const authenticated = (m === "GET" && s.auth.valid === "cron") || (m === "POST" && s.auth.valid === "admin");
        const res = await check(
          () => (knownJob ? route : unknown).POST(build(`${BASE}/api/jobs/${knownJob ? "noop" : "nope"}`, s)),
          authenticated && knownJob,
          () => show(s),
        );
        if (!["GET", "POST"].includes(m)) expect(res.status).toBe(405);
        else if (!knownJob) expect(res.status).toBe(404);
        else if (!authenticated) expect(res.status).toBe(401);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it(`/api/queue: ${NUM_RUNS} arbitrary deliveries`, async () => {
    const { POST } = queueRoute(rt.factory);
    const now = () => Math.floor(Date.now() / 1000);
    await fc.assert(
      fc.asyncProperty(spec(body(queueShaped), queueHeaders), signature, fc.constantFrom(QUEUE_URL, `${QUEUE_URL}?topic=a`), async (s, sig, url) => {
        const key = qstash().currentSigningKey;
        const signed: string | undefined =
          sig === "none"
            ? undefined
            : typeof sig === "object"
              ? sig.random
              : signQStashJwt({
                  url: sig === "otherUrl" ? `${BASE}/api/other` : url,
                  body: sig === "otherBody" ? Buffer.concat([Buffer.from(s.body), Buffer.from(" ")]) : Buffer.from(s.body),
                  key: sig === "validNext" ? qstash().nextSigningKey : sig === "wrongKey" ? "sig_wrongKeyWrongKeyWrong" : key,
                  ...(sig === "expired" ? { now: now() - 3_600 } : sig === "future" ? { now: now() + 3_600 } : {}),
                });
        const m = normalised(s.method);
        const authenticated = m === "POST" && (sig === "valid" || sig === "validNext");
        const res = await check(
          () => POST(build(url, s, signed === undefined ? {} : { "upstash-signature": signed })),
          authenticated,
          () => show(s, `sig=${typeof sig === "object" ? "random" : sig}`),
        );
        if (m !== "POST") expect(res.status).toBe(405);
        else if (!authenticated) expect([400, 401, 413]).toContain(res.status);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it(`/api/health: ${NUM_RUNS} arbitrary requests`, async () => {
    const { GET } = healthRoute(rt.factory);
    await fc.assert(
      fc.asyncProperty(spec(body(manualShaped), fc.constant({})), async (s) => {
        const m = normalised(s.method);
        const res = await check(
          () => GET(build(`${BASE}/api/health`, s)),
          false,
          () => show(s),
        );
        if (m !== "GET") return void expect(res.status).toBe(405);
        expect(res.status).toBe(200);
        const json = (await res.json()) as Record<string, unknown>;
        if (s.auth.valid === "admin") expect(Object.keys(json)).toEqual(expect.arrayContaining(["status", "level", "breakers", "jobs", "probes", "order", "lastRuns"]));
        else expect(Object.keys(json)).toEqual(["status"]);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it(`/api/status: ${NUM_RUNS} arbitrary requests`, async () => {
    const { GET } = statusRoute(rt.factory);
    await fc.assert(
      fc.asyncProperty(spec(body(manualShaped), fc.constant({})), async (s) => {
        const m = normalised(s.method);
        const res = await check(
          () => GET(build(`${BASE}/api/status`, s)),
          false,
          () => show(s),
        );
        if (m !== "GET") expect(res.status).toBe(405);
        else expect(res.status).toBe(s.auth.valid === "admin" ? 200 : 401);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it(`/api/artifacts: ${NUM_RUNS} arbitrary requests and query strings`, async () => {
    const { GET } = artifactRoute(rt.factory);
    const query = fc.record({ id: fc.oneof(fc.string({ maxLength: 80 }), fc.constant("art_nosuchartifact_0")), kind: fc.oneof(fc.constantFrom("png", "html", "json"), fc.string({ maxLength: 8 })) });
    await fc.assert(
      fc.asyncProperty(spec(body(manualShaped), fc.constant({})), query, async (s, q) => {
        const m = normalised(s.method);
        const url = `${BASE}/api/artifacts?id=${encodeURIComponent(q.id)}&kind=${encodeURIComponent(q.kind)}`;
        const res = await check(
          () => GET(build(url, s)),
          false,
          () => show(s, JSON.stringify(q)),
        );
        if (m !== "GET") expect(res.status).toBe(405);
        else if (s.auth.valid !== "admin") expect(res.status).toBe(401);
        else expect([400, 404]).toContain(res.status);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it(`params of wrong types and control characters, per job: ${NUM_RUNS} authenticated runs, each a 200 or a 400 before the run`, async () => {
    const { POST } = queueRoute(rt.factory);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("typed", "strict", "noop"), typedParams, fc.boolean(), async (job, params, queued) => {
        const schema = job === "typed" ? PLAN_PARAMS : job === "strict" ? strictJob.params! : z.record(z.string(), z.unknown());
        const valid = schema.safeParse(params).success && !JSON.stringify(params).includes("\\u0000");
        const text = JSON.stringify(queued ? { job, params } : { params });
        const send = () =>
          queued
            ? POST(new Request(QUEUE_URL, { method: "POST", body: text, headers: { "upstash-signature": signQStashJwt({ url: QUEUE_URL, body: text, key: qstash().currentSigningKey }) } }))
            : jobRoute(job, rt.factory).POST(new Request(`${BASE}/api/jobs/${job}`, { method: "POST", body: text, headers: { authorization: `Bearer ${TEST_SECRETS.admin}` } }));
        const before = await footprint();
        const res = await check(send, true, () => `${queued ? "queue" : "manual"} ${job} ${text.slice(0, 200)}`);
        expect(res.status, text).toBe(valid ? 200 : queued ? 489 : 400);
        if (!valid) expect((await footprint()).runs, text).toBe(before.runs);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it(`the local server: ${NUM_RUNS} requests with every method and broken percent-encoding, never a 5xx`, async () => {
    const deps = await rt.factory();
    const handler = createLocalHandler({ deps, config: deps.config } as unknown as LocalRuntime);
    const server: Server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const raw = (method: string, path: string, auth: Auth) =>
      new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
        const req = httpRequest({ host: "127.0.0.1", port, method, path, headers: auth.value === undefined ? {} : { authorization: auth.value } }, (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), text }));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      await fc.assert(
        fc.asyncProperty(
          anyMethod,
          fc.constantFrom("/api/jobs/", "/api/", "/api/queue/", "/"),
          pathSegment,
          auth.filter((a) => !/[^\t\x20-\x7e\x80-\xff]/.test(a.value ?? "")),
          async (m, prefix, segment, a) => {
            const before = await footprint();
            const res = await raw(m, prefix + segment, a);
            const context = `${m} ${prefix}${segment} -> ${res.status} ${res.text.slice(0, 200)}`;
            expect(res.status, context).toBeLessThan(500);
            // Under /api/ every answer is JSON ("/api/.." resolves to the dashboard, like any URL parser says).
            const api = new URL(prefix + segment, "http://x").pathname.startsWith("/api/");
            if (m.toUpperCase() !== "HEAD" && api) expect(() => JSON.parse(res.text) as unknown, context).not.toThrow();
            if (a.valid === null) expect(await footprint(), context).toEqual(before);
          },
        ),
        { numRuns: NUM_RUNS },
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);

  it("no request made any route log an unhandled error", () => {
    expect(rt.logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });
});
