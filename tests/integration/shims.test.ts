/**
 * Contract tests for the local protocol shims, driven by the REAL vendor
 * clients, so the shims are held to the vendors' protocols:
 *   neon() + Pool (@neondatabase/serverless) -> neon-http-shim / neon-ws-proxy -> Postgres
 *   Redis (@upstash/redis)                   -> upstash-shim -> Redis
 *   Client + Receiver (@upstash/qstash)      -> qstash-shim -> local receiver
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { NeonDbError, Pool, neon, type NeonQueryFunction } from "@neondatabase/serverless";
import { Client as QStashClient, Receiver } from "@upstash/qstash";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, dropTestDatabase, services, uniquePrefix } from "../support/env.js";
import { configureNeonForTests } from "../support/neon.js";
import { QSTASH_DEV_CREDENTIALS, deliver } from "../support/qstash-shim.js";
import { startRedis, type RedisServer } from "../support/services.js";
import { fetchShimStats } from "../support/shim-server.js";
import { startUpstashShim, type UpstashShim } from "../support/upstash-shim.js";

const svc = services();

describe.skipIf(!svc.postgres)("Neon HTTP shim with the real neon() driver", () => {
  const pgInfo = svc.postgres!;
  let dbUrl: string;
  let sql: NeonQueryFunction<false, false>;
  const shimBase = () => new URL(pgInfo.neonHttpUrl).origin;

  beforeAll(async () => {
    configureNeonForTests(pgInfo);
    dbUrl = await createTestDatabase("shims_http");
    sql = neon(dbUrl);
  });
  afterAll(async () => {
    await dropTestDatabase(dbUrl);
  });

  it("runs parameterized queries through the shim, against the database named in the connection string", async () => {
    const before = (await fetchShimStats(shimBase())).requests;
    const rows = await sql`SELECT ${2}::int + ${40}::int AS sum, ${"it's"}::text AS t, current_database() AS db`;
    expect(rows).toEqual([{ sum: 42, t: "it's", db: new URL(dbUrl).pathname.slice(1) }]);
    const viaQuery = await sql.query("SELECT $1::text || $2::text AS joined", ["a", "b"]);
    expect(viaQuery).toEqual([{ joined: "ab" }]);
    expect((await fetchShimStats(shimBase())).requests).toBeGreaterThanOrEqual(before + 2);
  });

  it("round-trips jsonb, timestamptz, int8, bool, arrays and null as the driver's own parsers expect", async () => {
    await sql`CREATE TABLE rt (id serial PRIMARY KEY, doc jsonb, at timestamptz, big int8, flag bool, tags text[], missing text)`;
    const at = new Date("2024-02-29T12:34:56.789Z");
    const doc = { a: 1, nested: { list: [1, "two", null] }, unicode: "héllo ✓" };
    await sql`INSERT INTO rt (doc, at, big, flag, tags, missing)
              VALUES (${JSON.stringify(doc)}::jsonb, ${at}, ${"9007199254740993"}, ${true}, ${["x", "y z"]}, ${null})`;
    const [row] = await sql`SELECT doc, at, big, flag, tags, missing FROM rt`;
    expect(row).toBeDefined();
    expect(row!.doc).toEqual(doc);
    expect(row!.at).toBeInstanceOf(Date);
    expect((row!.at as Date).toISOString()).toBe(at.toISOString());
    expect(row!.big).toBe("9007199254740993"); // int8 stays text: no precision loss
    expect(row!.flag).toBe(true);
    expect(row!.tags).toEqual(["x", "y z"]);
    expect(row!.missing).toBeNull();

    const full = await sql.query("SELECT 1::int AS one WHERE $1::bool", [true], { fullResults: true, arrayMode: true });
    expect(full.rows).toEqual([[1]]);
    expect(full.rowCount).toBe(1);
    expect(full.command).toBe("SELECT");
    expect(full.fields[0]).toMatchObject({ name: "one", dataTypeID: 23 });
  });

  it("runs sql.transaction([...]) atomically and honours isolation/read-only options", async () => {
    await sql`CREATE TABLE tx (k text PRIMARY KEY)`;
    const [ins, count] = await sql.transaction([sql`INSERT INTO tx VALUES ('a'), ('b') RETURNING k`, sql`SELECT count(*)::int AS n FROM tx`]);
    expect(ins).toEqual([{ k: "a" }, { k: "b" }]);
    expect(count).toEqual([{ n: 2 }]);

    // a failing statement rolls back the whole batch
    await expect(sql.transaction([sql`INSERT INTO tx VALUES ('c')`, sql`INSERT INTO tx VALUES ('a')`])).rejects.toThrow(/duplicate key/);
    expect(await sql`SELECT k FROM tx ORDER BY k`).toEqual([{ k: "a" }, { k: "b" }]);

    const [iso, ro] = await sql.transaction((txn) => [txn`SHOW transaction_isolation`, txn`SHOW transaction_read_only`], {
      isolationLevel: "Serializable",
      readOnly: true,
    });
    expect(iso).toEqual([{ transaction_isolation: "serializable" }]);
    expect(ro).toEqual([{ transaction_read_only: "on" }]);
    await expect(sql.transaction([sql`INSERT INTO tx VALUES ('z')`], { readOnly: true })).rejects.toMatchObject({ code: "25006" });
  });

  it("reports Postgres errors with their SQLSTATE code and details", async () => {
    await sql`CREATE TABLE uniq (email text CONSTRAINT uniq_email UNIQUE)`;
    await sql`INSERT INTO uniq VALUES (${"a@example.com"})`;
    const error = await sql`INSERT INTO uniq VALUES (${"a@example.com"})`.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error).toMatchObject({ code: "23505", constraint: "uniq_email", severity: "ERROR", table: "uniq" });
    expect((error as NeonDbError).detail).toMatch(/already exists/);

    await expect(sql`SELEC 1`).rejects.toMatchObject({ code: "42601", position: "1" });
  });

  it("serves 60 concurrent requests", async () => {
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => sql`SELECT pg_sleep(0.05), ${i}::int AS i`));
    expect(results.map((r) => r[0]!.i)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });
});

describe.skipIf(!svc.postgres)("Neon WebSocket proxy with the real Neon Pool", () => {
  const pgInfo = svc.postgres!;
  let dbUrl: string;
  let pool: Pool;

  beforeAll(async () => {
    configureNeonForTests(pgInfo);
    dbUrl = await createTestDatabase("shims_ws");
    pool = new Pool({ connectionString: dbUrl, max: 5 });
  });
  afterAll(async () => {
    await pool?.end();
    await dropTestDatabase(dbUrl);
  });

  it("runs an interactive transaction (rollback and commit) over the proxy", async () => {
    const proxyBase = `http://${pgInfo.wsProxy.replace(/\/$/, "")}`;
    const before = (await fetchShimStats(proxyBase)).requests;

    await pool.query("CREATE TABLE acct (id int PRIMARY KEY, balance int8 NOT NULL)");
    await pool.query("INSERT INTO acct VALUES (1, 100), (2, 0)");

    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("UPDATE acct SET balance = balance - 30 WHERE id = 1");
      const mid = await client.query<{ balance: string }>("SELECT balance FROM acct WHERE id = 1");
      expect(mid.rows[0]!.balance).toBe("70");
      await client.query("ROLLBACK");
      expect((await client.query("SELECT balance FROM acct WHERE id = 1")).rows[0]!.balance).toBe("100");

      await client.query("BEGIN");
      await client.query("SELECT * FROM acct WHERE id = ANY($1) FOR UPDATE", [[1, 2]]);
      await client.query("UPDATE acct SET balance = balance - $1 WHERE id = 1", [30]);
      await client.query("UPDATE acct SET balance = balance + $1 WHERE id = 2", [30]);
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    const { rows } = await pool.query<{ id: number; balance: string }>("SELECT id, balance FROM acct ORDER BY id");
    expect(rows).toEqual([
      { id: 1, balance: "70" },
      { id: 2, balance: "30" },
    ]);
    const db = await pool.query<{ db: string }>("SELECT current_database() AS db");
    expect(db.rows[0]!.db).toBe(new URL(dbUrl).pathname.slice(1));
    expect((await fetchShimStats(proxyBase)).requests).toBeGreaterThan(before); // went through the proxy
  });

  it("surfaces Postgres errors with codes over the proxy", async () => {
    await expect(pool.query("SELECT 1/0")).rejects.toMatchObject({ code: "22012" });
  });
});

describe.skipIf(!svc.redis)("Upstash REST shim with the real @upstash/redis client", () => {
  const r = svc.redis!;
  const redis = new Redis({ url: r.restUrl, token: r.restToken });
  const p = uniquePrefix("shims");

  it("set/get with EX, missing keys, unicode and base64-looking values", async () => {
    expect(await redis.set(`${p}k`, "v1", { ex: 60 })).toBe("OK");
    expect(await redis.get(`${p}k`)).toBe("v1");
    const ttl = await redis.ttl(`${p}k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await redis.get(`${p}missing`)).toBeNull();
    await redis.set(`${p}u`, "héllo ✓ 🚀");
    expect(await redis.get(`${p}u`)).toBe("héllo ✓ 🚀");
    await redis.set(`${p}b64`, "T0s=");
    expect(await redis.get(`${p}b64`)).toBe("T0s=");
    await redis.set(`${p}obj`, { a: 1, b: [true, null] });
    expect(await redis.get(`${p}obj`)).toEqual({ a: 1, b: [true, null] });
  });

  it("incr, hset/hgetall, and errors from Redis", async () => {
    expect(await redis.incr(`${p}n`)).toBe(1);
    expect(await redis.incrby(`${p}n`, 41)).toBe(42);
    expect(await redis.hset(`${p}h`, { f1: "v1", f2: 2 })).toBe(2);
    expect(await redis.hgetall(`${p}h`)).toEqual({ f1: "v1", f2: 2 });
    expect(await redis.hgetall(`${p}nohash`)).toBeNull();
    await expect(redis.incr(`${p}h`)).rejects.toThrow(/WRONGTYPE/);
  });

  it("pipeline and multi (MULTI/EXEC)", async () => {
    const out = await redis.pipeline().set(`${p}pa`, "1").incr(`${p}pa`).get(`${p}pa`).exec();
    expect(out).toEqual(["OK", 2, 2]);
    const tx = await redis.multi().incr(`${p}ma`).incr(`${p}ma`).hset(`${p}mh`, { x: "y" }).hgetall(`${p}mh`).exec();
    expect(tx).toEqual([1, 2, 1, { x: "y" }]);
    // a runtime error inside MULTI is reported per command, the rest still applies (Redis semantics)
    const withError = await redis.multi().incr(`${p}mh`).incr(`${p}ma`).exec({ keepErrors: true });
    expect(withError[0]!.error).toMatch(/WRONGTYPE/);
    expect(withError[1]!.result).toBe(3);
  });

  it("eval, evalsha fallback, and Upstash-only #!lua shebang scripts", async () => {
    expect(await redis.eval("return redis.call('INCRBY', KEYS[1], ARGV[1])", [`${p}e`], ["5"])).toBe(5);
    const script = redis.createScript<string>("#!lua flags=allow-key-locking\nreturn ARGV[1] .. redis.call('GET', KEYS[1])");
    await redis.set(`${p}s`, "!");
    expect(await script.exec([`${p}s`], ["hi"])).toBe("hi!"); // EVALSHA -> NOSCRIPT -> EVAL
    expect(await script.exec([`${p}s`], ["again"])).toBe("again!"); // EVALSHA of the original text now maps
    const src = "#!lua flags=allow-key-locking\nreturn 7";
    const sha = await redis.scriptLoad(src);
    expect(sha).toBe(createHash("sha1").update(src).digest("hex"));
    expect(await redis.evalsha(sha, [], [])).toBe(7);
    expect(await redis.scriptExists(sha)).toEqual([1]);
  });

  it("rejects a wrong token with 401", async () => {
    const bad = new Redis({ url: r.restUrl, token: "wrong-token", retry: false });
    await expect(bad.get(`${p}k`)).rejects.toThrow(/Unauthorized/);
    const res = await fetch(r.restUrl, { method: "POST", body: JSON.stringify(["PING"]), headers: { authorization: "Bearer nope" } });
    expect(res.status).toBe(401);
  });

  it("speaks the raw wire format: {result} / 400 {error} / base64 encoding", async () => {
    const auth = { authorization: `Bearer ${r.restToken}` };
    const plain = await fetch(r.restUrl, { method: "POST", headers: auth, body: JSON.stringify(["ECHO", "hi"]) });
    expect(await plain.json()).toEqual({ result: "hi" });
    const b64 = await fetch(r.restUrl, {
      method: "POST",
      headers: { ...auth, "Upstash-Encoding": "base64" },
      body: JSON.stringify(["EVAL", "return {1, 'hi', {false, 'x'}}", 0]),
    });
    expect(await b64.json()).toEqual({ result: [1, Buffer.from("hi").toString("base64"), [null, Buffer.from("x").toString("base64")]] });
    const err = await fetch(r.restUrl, { method: "POST", headers: auth, body: JSON.stringify(["NOSUCHCOMMAND"]) });
    expect(err.status).toBe(400);
    expect(((await err.json()) as { error: string }).error).toMatch(/unknown command/i);
  });
});

describe.skipIf(!svc.redis)("Upstash shim: round-trip counting and Redis outages (private Redis)", () => {
  let server: RedisServer;
  let shim: UpstashShim;
  const token = "private-token";

  beforeAll(async () => {
    server = await startRedis();
    shim = await startUpstashShim({ port: server.port, token, commandTimeoutMs: 1_000 });
  });
  afterAll(async () => {
    await shim?.close();
    await server?.stop();
  });

  it("counts HTTP round trips in-process and over /__shim/stats", async () => {
    const redis = new Redis({ url: shim.restUrl, token });
    shim.resetStats();
    await redis.set("a", "1");
    expect(shim.stats().requests).toBe(1);
    const auth = { authorization: `Bearer ${token}` };
    await fetch(shim.restUrl, { method: "POST", headers: auth, body: JSON.stringify(["GET", "a"]) });
    await fetch(`${shim.restUrl}/pipeline`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify([
        ["GET", "a"],
        ["INCR", "b"],
      ]),
    });
    expect((await fetchShimStats(shim.url)).requests).toBe(3);
    expect(shim.stats().commands).toBe(4);
    // the client auto-pipelines concurrent commands: fewer round trips than commands
    await Promise.all([redis.get("a"), redis.get("a"), redis.incr("b"), redis.get("b")]);
    const after = shim.stats().requests;
    expect(after).toBeGreaterThan(3);
    expect(after).toBeLessThan(3 + 4);
    await fetch(`${shim.url}/__shim/reset`, { method: "POST" });
    expect(shim.stats().requests).toBe(0);
  });

  it("answers 503 quickly while Redis is down, and recovers on the same port", async () => {
    const redis = new Redis({ url: shim.restUrl, token, retry: false });
    await redis.set("k", "before");
    const port = server.port;
    await server.kill();
    const started = Date.now();
    const res = await fetch(shim.restUrl, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(["GET", "k"]) });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/unavailable/i);
    await expect(redis.get("k")).rejects.toThrow(/unavailable/i);
    expect(Date.now() - started).toBeLessThan(2_000);

    await server.start();
    expect(server.port).toBe(port);
    await shim.waitForRedis(5_000);
    expect(await redis.get("k")).toBeNull(); // no persistence: a fresh Redis
    await redis.set("k", "after");
    expect(await redis.get("k")).toBe("after");
  });

  it("answers 503 (not a hang) when Redis is paused", async () => {
    server.pause();
    try {
      const started = Date.now();
      const res = await fetch(shim.restUrl, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(["PING"]) });
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      server.resume();
    }
    await vi.waitFor(async () => {
      const res = await fetch(shim.restUrl, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(["PING"]) });
      expect(await res.json()).toEqual({ result: "PONG" });
    });
  });
});

describe.skipIf(!svc.qstash)("QStash shim with the real Client and Receiver", () => {
  const q = svc.qstash!;
  type Received = { ok: boolean; error?: string; body: string; headers: http.IncomingHttpHeaders };
  const received: Received[] = [];
  let receiver: http.Server;
  let hookUrl: string;

  beforeAll(async () => {
    const verifier = new Receiver({ currentSigningKey: q.currentSigningKey, nextSigningKey: q.nextSigningKey });
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8"); // RAW body: never re-serialise before verifying
        verifier
          .verify({ signature: String(req.headers["upstash-signature"] ?? ""), body, url: hookUrl })
          .then(
            () => ({ ok: true }),
            (e: Error) => ({ ok: false, error: e.message }),
          )
          .then((v) => {
            received.push({ ...v, body, headers: req.headers });
            res.writeHead(v.ok ? 200 : 401).end();
          });
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/hook`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("uses the dev credentials that @upstash/qstash ships", async () => {
    expect(q).toMatchObject(QSTASH_DEV_CREDENTIALS);
    const res = await fetch(`${q.url}/v2/keys`, { headers: { authorization: `Bearer ${q.token}` } });
    expect(await res.json()).toEqual({ current: q.currentSigningKey, next: q.nextSigningKey });
  });

  it("publishJSON delivers a signed message that the real Receiver verifies", async () => {
    received.length = 0;
    const client = new QStashClient({ baseUrl: q.url, token: q.token, retry: false });
    const { messageId } = (await client.publishJSON({ url: hookUrl, body: { hello: "world", n: 1 }, headers: { "X-Custom": "abc" } })) as {
      messageId: string;
    };
    expect(messageId).toMatch(/^msg_/);
    await vi.waitFor(() => expect(received).toHaveLength(1));
    const got = received[0]!;
    expect(got.error).toBeUndefined();
    expect(got.ok).toBe(true);
    expect(JSON.parse(got.body)).toEqual({ hello: "world", n: 1 });
    expect(got.headers["upstash-message-id"]).toBe(messageId);
    expect(got.headers["x-custom"]).toBe("abc");
    expect(got.headers["content-type"]).toBe("application/json");
  });

  it("rejects tampered bodies, wrong keys and wrong urls; accepts the next key and replays", async () => {
    received.length = 0;
    const body = JSON.stringify({ job: "post" });
    expect((await deliver(hookUrl, body)).status).toBe(200);
    expect((await deliver(hookUrl, body, { signWith: q.nextSigningKey })).status).toBe(200); // key rotation
    expect((await deliver(hookUrl, JSON.stringify({ job: "evil" }), { signedBody: body })).status).toBe(401);
    expect((await deliver(hookUrl, body, { signWith: "sig_not_the_key" })).status).toBe(401);
    expect((await deliver(hookUrl, body, { signedUrl: "http://127.0.0.1:1/other" })).status).toBe(401);
    expect((await deliver(hookUrl, body, { unsigned: true })).status).toBe(401);
    expect(received.map((r) => r.ok)).toEqual([true, true, false, false, false, false]);
    expect(received[2]!.error).toMatch(/body hash does not match/);
  });

  it("deduplicates publishes with the same Upstash-Deduplication-Id", async () => {
    received.length = 0;
    const client = new QStashClient({ baseUrl: q.url, token: q.token, retry: false });
    const dedup = `dedup-${Date.now()}`;
    const a = (await client.publishJSON({ url: hookUrl, body: { i: 1 }, deduplicationId: dedup })) as { messageId: string };
    const b = (await client.publishJSON({ url: hookUrl, body: { i: 2 }, deduplicationId: dedup })) as { messageId: string };
    expect(b.messageId).toBe(a.messageId);
    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(1));
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toEqual({ i: 1 });
  });

  it("rejects a wrong token", async () => {
    const client = new QStashClient({ baseUrl: q.url, token: "wrong", retry: false });
    await expect(client.publishJSON({ url: hookUrl, body: {} })).rejects.toThrow();
  });
});
