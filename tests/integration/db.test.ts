/** lib/db on real Postgres (Neon driver -> HTTP shim) and on embedded PGlite. */
import { afterAll, describe, expect, it } from "vitest";
import { tmpdir } from "node:os";
import { createSql } from "../../lib/db/sql.js";
import { migrate, readFunctions, readMigrations } from "../../lib/db/migrate.js";
import { cancelItem, claimDue, claimPartial, enqueue, listItems, queueCounts } from "../../lib/db/queue.js";
import { insertRun, lastRunPerJob, recentRuns } from "../../lib/db/runs.js";
import { probeDb } from "../../lib/db/health.js";
import { XbotError } from "../../lib/errors.js";
import { createTestDatabase, services } from "../support/env.js";
import { pgliteSql, postgresSql } from "../support/stores.js";

const svc = services();
const account = "acct";
const due = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);

describe.skipIf(!svc.postgres)("db on real Postgres", () => {
  it("migrations are idempotent and safe when five cold starts run them at once", async () => {
    const sql = createSql({ databaseUrl: await createTestDatabase("mig"), httpEndpoint: svc.postgres!.neonHttpUrl, dataDir: tmpdir() });
    const results = await Promise.all(Array.from({ length: 5 }, () => migrate(sql)));
    const files = readMigrations().map((m) => m.version);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(files);
    const rows = await sql.query<{ version: string; checksum: string }>("SELECT version, checksum FROM xbot_migrations ORDER BY version");
    expect(rows.map((r) => r.version)).toEqual([...files, "functions"]);
    // Every function file's function exists once (one current source; migrations hold none).
    const functions = readFunctions();
    expect(rows.at(-1)?.checksum).toBe(functions.checksum);
    const names = [...functions.sql.matchAll(/CREATE OR REPLACE FUNCTION (\w+)\(/g)].map((m) => m[1]!);
    const defined = await sql.query<{ proname: string; n: number }>("SELECT proname, count(*)::int AS n FROM pg_proc WHERE proname = ANY($1::text[]) GROUP BY proname ORDER BY proname", [names]);
    expect(defined).toEqual([...names].sort().map((proname) => ({ proname, n: 1 })));
    expect(
      readMigrations()
        .filter((m) => /CREATE (OR REPLACE )?FUNCTION/i.test(m.sql))
        .map((m) => m.version),
    ).toEqual([]);
    expect(await migrate(sql)).toEqual({ applied: [], pending: 0 });
  });

  it("a partial thread is claimed until twice its max attempts, then stays partial for the operator, who may cancel it", async () => {
    const sql = await postgresSql();
    const acct = `partial-${Date.now()}`;
    const item = await enqueue(sql, { accountId: acct, kind: "thread", tweets: ["p 1/2", "p 2/2"], source: "manual", dueAt: due(5), maxAttempts: 2 });
    await sql.query("UPDATE content_items SET status = 'partial', attempts = 3 WHERE id = $1", [item!.id]);
    const claimed = await claimPartial(sql, acct, "run-p", new Date());
    expect(claimed).toMatchObject({ id: item!.id, status: "posting", attempts: 4 });
    await sql.query("UPDATE content_items SET status = 'partial' WHERE id = $1", [item!.id]);
    expect(await claimPartial(sql, acct, "run-p", new Date())).toBeNull();
    expect(await enqueue(sql, { accountId: acct, kind: "thread", tweets: ["p 1/2", "p 2/2"], source: "manual", dueAt: due(5) })).toBeNull();
    expect(await cancelItem(sql, acct, item!.id)).toBe(true);
    expect((await listItems(sql, acct))[0]).toMatchObject({ status: "cancelled" });
  });

  it("20 concurrent claimers never receive the same item twice", async () => {
    const sql = await postgresSql();
    for (let i = 0; i < 30; i++) await enqueue(sql, { accountId: account, kind: "single", tweets: [`item ${i}`], source: "manual", dueAt: due(5) });
    await enqueue(sql, { accountId: account, kind: "single", tweets: ["later"], source: "manual", dueAt: due(-60) });
    const claimed: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, worker) => {
        for (;;) {
          const item = await claimDue(sql, account, `run-${worker}`, new Date());
          if (!item) return;
          claimed.push(item.id);
        }
      }),
    );
    expect(claimed).toHaveLength(30);
    expect(new Set(claimed).size).toBe(30);
    expect(await queueCounts(sql, account)).toMatchObject({ posting: 30, queued: 1 });
  });

  it("the same content cannot be queued twice while live, and cancel only touches queued items", async () => {
    const sql = await postgresSql();
    const first = await enqueue(sql, { accountId: account, kind: "thread", tweets: ["Hello  World", "two"], source: "manual", dueAt: due(1) });
    expect(first).toMatchObject({ kind: "thread", status: "queued", tweets: ["Hello  World", "two"], attempts: 0 });
    expect(await enqueue(sql, { accountId: account, kind: "thread", tweets: ["hello world ", "TWO"], source: "llm", dueAt: due(1) })).toBeNull();
    expect(await cancelItem(sql, account, first!.id)).toBe(true);
    expect(await cancelItem(sql, account, first!.id)).toBe(false);
    expect((await listItems(sql, account, { status: "cancelled" })).map((i) => i.id)).toEqual([first!.id]);
  });

  it("maps database errors to typed codes", async () => {
    const sql = await postgresSql();
    await expect(sql.query("SELEC 1")).rejects.toMatchObject({ code: "db_query", retryable: false });
    await sql.query("INSERT INTO x_sessions (account_id, blob) VALUES ('a', 'b')");
    const dup = await sql.query("INSERT INTO x_sessions (account_id, blob) VALUES ('a', 'b')").catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(XbotError);
    expect(dup).toMatchObject({ code: "conflict", details: { sqlState: "23505", constraint: "x_sessions_pkey" } });
    const down = createSql({ databaseUrl: "postgres://u@127.0.0.1:1/db", httpEndpoint: "http://127.0.0.1:1/sql", dataDir: tmpdir() });
    await expect(down.query("SELECT 1")).rejects.toMatchObject({ code: "db_unavailable", retryable: true, dependency: "db" });
    expect(await probeDb(down)).toMatchObject({ ok: false, error: { code: "db_unavailable" } });
    expect(await probeDb(sql)).toMatchObject({ ok: true });
  });

  it("records job runs and reads the latest per job", async () => {
    const sql = await postgresSql();
    const base = { accountId: account, trigger: "cron", mode: "live", reason: null, errorCode: null, summary: { n: 1 }, artifactId: null } as const;
    await insertRun(sql, { ...base, id: "r1", job: "post", status: "ok", startedAt: new Date(1000), endedAt: new Date(2000) });
    await insertRun(sql, { ...base, id: "r2", job: "post", status: "skipped", reason: "locked", startedAt: new Date(3000), endedAt: new Date(3001) });
    await insertRun(sql, { ...base, id: "r2", job: "post", status: "ok", startedAt: new Date(3000), endedAt: new Date(3001) });
    await insertRun(sql, { ...base, id: "r3", job: "plan", status: "failed", errorCode: "llm_unavailable", startedAt: new Date(500), endedAt: new Date(900) });
    expect((await recentRuns(sql, { job: "post" })).map((r) => [r.id, r.status, r.reason])).toEqual([
      ["r2", "skipped", "locked"],
      ["r1", "ok", null],
    ]);
    const last = await lastRunPerJob(sql);
    expect(last.post?.id).toBe("r2");
    expect(last.plan).toMatchObject({ status: "failed", errorCode: "llm_unavailable", summary: { n: 1 } });
  });
});

describe("db on embedded PGlite", () => {
  const cleanups: (() => void)[] = [];
  afterAll(() => {
    for (const c of cleanups) c();
  });

  it("runs the same schema, claim and transaction semantics in-process", async () => {
    const { sql, cleanup } = await pgliteSql();
    cleanups.push(cleanup);
    expect(sql.kind).toBe("pglite");
    const item = await enqueue(sql, { accountId: account, kind: "single", tweets: ["embedded"], source: "evergreen", dueAt: due(1) });
    expect(item?.dueAt).toBeInstanceOf(Date);
    expect((await claimDue(sql, account, "run", new Date()))?.id).toBe(item!.id);
    expect(await claimDue(sql, account, "run", new Date())).toBeNull();
    await expect(
      sql.transaction([{ text: "INSERT INTO x_sessions (account_id, blob) VALUES ('t', 'x')" }, { text: "INSERT INTO x_sessions (account_id, blob) VALUES ('t', 'x')" }]),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await sql.query("SELECT * FROM x_sessions")).toEqual([]);
    expect(await migrate(sql)).toEqual({ applied: [], pending: 0 });
  });
});
