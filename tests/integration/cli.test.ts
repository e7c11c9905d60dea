/**
 * The `xbot` CLI as a process (bin/xbot.mjs) against real Postgres: doctor on a bad and a
 * good config (exit codes, fix lines), queue add/list/cancel, breaker isolate/list/reset,
 * run (local, --remote, through a local server that owns the data dir), usage errors, and
 * --json output that parses.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { startLocalServer } from "../../lib/dev/server.js";
import { localCli } from "../../lib/cli/local-cli.js";
import { createTestDatabase, services } from "../support/env.js";
import { runNode, type CapturedRun } from "../support/node-process.js";

const svc = services();
const BIN = join(process.cwd(), "bin/xbot.mjs");
const ADMIN = `admin-${randomBytes(12).toString("hex")}`;
const KEY = randomBytes(32).toString("hex");
const dirs: string[] = [];

type Result = CapturedRun;

function xbot(args: string[], env: Record<string, string>, cwd = process.cwd()): Promise<Result> {
  return runNode([BIN, ...args], { env, cwd, timeoutMs: 120_000, label: `xbot ${args.join(" ")}` });
}

const json = <T>(r: Result): T => JSON.parse(r.stdout) as T;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "xbot-cli-"));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("xbot CLI without services", () => {
  it("doctor on a bad config exits 3 with one fix line per bad variable", { timeout: 60_000 }, async () => {
    const r = await xbot(["doctor"], { DATABASE_URL: "nonsense", UPSTASH_REDIS_REST_URL: "ftp://x", XBOT_DATA_DIR: tempDir() });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/FAIL\s+config\s+DATABASE_URL: must be a postgres/);
    expect(r.stdout).toMatch(/FAIL\s+config\s+UPSTASH_REDIS_REST_URL: must be an http/);
    expect(r.stdout.match(/fix: /g)).toHaveLength(2);
    const asJson = await xbot(["doctor", "--json"], { DATABASE_URL: "nonsense", XBOT_DATA_DIR: tempDir() });
    expect(asJson.code).toBe(3);
    expect(json<{ ok: boolean; checks: { name: string; status: string; fix?: string }[] }>(asJson)).toEqual({
      ok: false,
      checks: [{ name: "config", status: "fail", detail: expect.stringContaining("DATABASE_URL"), fix: expect.stringContaining("DATABASE_URL") }],
    });
  });

  it("usage errors exit 2, help exits 0, any other command on a bad config exits 3", { timeout: 60_000 }, async () => {
    const env = { XBOT_DATA_DIR: tempDir() };
    const [unknown, noJob, badFlag, help, badConfig] = await Promise.all([
      xbot(["frobnicate"], env),
      xbot(["run"], env),
      xbot(["queue", "list", "--bogus"], env),
      xbot(["--help"], env),
      xbot(["status"], { ...env, XBOT_PORT: "99999" }),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(noJob.code).toBe(2);
    expect(badFlag.code).toBe(2);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("exit codes: 0 ok, 1 failure, 2 usage error, 3 config error");
    expect(badConfig.code).toBe(3);
    expect(badConfig.stderr).toContain("XBOT_PORT");
  });
});

describe.skipIf(!svc.postgres)("xbot CLI on Postgres", () => {
  let env: Record<string, string>;
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await createSandbox();
    env = {
      DATABASE_URL: await createTestDatabase("cli"),
      XBOT_NEON_HTTP_URL: svc.postgres!.neonHttpUrl,
      XBOT_STATE: "postgres",
      XBOT_DATA_DIR: tempDir(),
      XBOT_ADMIN_TOKEN: ADMIN,
      XBOT_SESSION_KEY: KEY,
      XBOT_X_BASE_URL: sandbox.url,
      XBOT_X_USER: sandbox.user,
    };
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it("queue add / list / cancel, with --json that parses and exit codes", { timeout: 120_000 }, async () => {
    const added = await xbot(["queue", "add", "A", "post", "from", "the", "CLI", "--json"], env);
    expect(added.code, added.stderr).toBe(0);
    const item = json<{ item: { id: string; status: string; kind: string; tweets: string[] } }>(added).item;
    expect(item).toMatchObject({ status: "queued", kind: "single", tweets: ["A post from the CLI"] });

    const thread = await xbot(["queue", "add", "--thread", "first of two", "second of two", "--at", "2030-01-01T09:00:00Z"], env);
    expect(thread.code, thread.stderr).toBe(0);
    expect(thread.stdout).toMatch(/^queued #\d+ \(thread, 2 tweets\) due 2030-01-01T09:00:00Z/);

    const duplicate = await xbot(["queue", "add", "A post from the CLI"], env);
    expect(duplicate.code).toBe(1);
    // The duplicate gate sees queued texts too, so it refuses before the queue's own unique check.
    expect(duplicate.stderr).toMatch(/not queued: gate duplicate: similarity 1\.00/);

    const [badAt, tooLong, oneTweetThread] = await Promise.all([
      xbot(["queue", "add", "hello", "--at", "tomorrow-ish"], env),
      xbot(["queue", "add", "x".repeat(281)], env),
      xbot(["queue", "add", "--thread", "only one"], env),
    ]);
    expect([badAt.code, tooLong.code, oneTweetThread.code]).toEqual([2, 2, 2]);
    expect(tooLong.stderr).toContain("weighted length 281 > 280");

    // Text a person queues passes the rule gates too: each refusal names its gate and its fix, and queues nothing.
    const [link, obfuscated, mention, allowed] = await Promise.all([
      xbot(["queue", "add", "Read the write-up at https://scam.example.net/win"], env),
      xbot(["queue", "add", "Read the write-up at scam[.]example[.]net today"], env),
      xbot(["queue", "add", "Thanks to @someoneelse for the tip on partial indexes", "--json"], env),
      xbot(["queue", "add", "Release notes for partial indexes are at https://docs.example.org/notes"], { ...env, XBOT_LINK_DOMAINS: "docs.example.org" }),
    ]);
    expect([link.code, obfuscated.code, mention.code], link.stderr + obfuscated.stderr + mention.stderr).toEqual([1, 1, 1]);
    expect(link.stderr).toMatch(/not queued: gate link: .*scam\.example\.net/);
    expect(link.stderr).toContain("XBOT_LINK_DOMAINS");
    expect(obfuscated.stderr).toMatch(/gate link/);
    expect(json(mention)).toMatchObject({ ok: false, gate: "mention", exitCode: 1 });
    expect(allowed.code, allowed.stderr).toBe(0);
    const allowedId = allowed.stdout.match(/^queued #(\d+)/)![1]!;

    const listed = json<{ items: { id: string; status: string }[] }>(await xbot(["queue", "list", "--json"], env));
    expect(listed.items.map((i) => i.id)).toContain(item.id);
    expect(listed.items.map((i) => [i.id, i.status]).sort()).toEqual(
      [
        [item.id, "queued"],
        [allowedId, "queued"],
        [thread.stdout.match(/^queued #(\d+)/)![1]!, "queued"],
      ].sort(),
    );

    const cancelled = await xbot(["queue", "cancel", item.id, "--json"], env);
    expect(cancelled.code).toBe(0);
    expect(json(cancelled)).toEqual({ id: item.id, cancelled: true });
    const again = await xbot(["queue", "cancel", item.id, "--json"], env);
    expect(again.code).toBe(1);
    expect(json(again)).toMatchObject({ ok: false, cancelled: false, exitCode: 1 });

    const [posts, badOrigin] = await Promise.all([xbot(["posts", "--origin", "ghost", "--json"], env), xbot(["posts", "--origin", "alien"], env)]);
    expect(posts.code, posts.stderr).toBe(0);
    expect(json(posts)).toEqual({ posts: [] });
    expect(badOrigin.code).toBe(2);

    const human = await xbot(["queue", "list", "--status", "cancelled"], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^id\\s+status.*\\n${item.id}\\s+cancelled\\s+single`, "m"));
  });

  it("breaker isolate / list / reset", { timeout: 120_000 }, async () => {
    const isolated = await xbot(["breaker", "isolate", "x", "--json"], env);
    expect(isolated.code, isolated.stderr).toBe(0);
    expect(json(isolated)).toMatchObject({ breaker: { name: "x", phase: "isolated" } });

    const list = json<{ breakers: { name: string; phase: string }[] }>(await xbot(["breaker", "list", "--json"], env));
    expect(list.breakers.map((b) => b.name)).toEqual(expect.arrayContaining(["db", "state", "browser", "llm", "x"]));
    expect(list.breakers.find((b) => b.name === "x")?.phase).toBe("isolated");

    const status = await xbot(["status"], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^status\s+degraded, level 1 \(minimal\)/m);
    expect(status.stdout).toContain("x isolated");

    const reset = await xbot(["breaker", "reset", "x"], env);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("breaker x reset: closed");
    const after = await xbot(["breaker", "list"], env);
    expect(after.stdout).toMatch(/^x\s+closed\s+0\s+0/m);

    const unknown = await xbot(["breaker", "isolate", "everything"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("breakers: db, state, browser, llm, x");
  });

  it("run: a local run, bad options, and --remote against a server", { timeout: 120_000 }, async () => {
    const local = await xbot(["run", "heal", "--json"], env);
    expect(local.code, local.stderr).toBe(0);
    expect(json(local)).toMatchObject({ job: "heal", status: "ok", mode: "live" });
    const [badMode, badParams, unknownJob, wrongType] = await Promise.all([
      xbot(["run", "heal", "--mode", "turbo"], env),
      xbot(["run", "heal", "--params", "[1]"], env),
      xbot(["run", "nope"], env),
      xbot(["run", "plan", "--params", '{"target":"x"}'], env),
    ]);
    expect([badMode.code, badParams.code, unknownJob.code, wrongType.code]).toEqual([2, 2, 2, 2]);
    expect(wrongType.stderr).toContain("invalid params for plan");
    expect(unknownJob.stderr).toContain("jobs: ");

    const server = await startLocalServer({ env: { ...env, XBOT_DATA_DIR: tempDir() }, port: 0, sandbox: false, scheduler: false, logSink: () => {}, cli: localCli });
    try {
      const remote = await xbot(["run", "heal", "--remote", server.url, "--json"], env);
      expect(remote.code, remote.stderr).toBe(0);
      expect(json(remote)).toMatchObject({ job: "heal", status: "ok" });
      const refused = await xbot(["run", "heal", "--remote", server.url], { ...env, XBOT_ADMIN_TOKEN: "wrong-token-0123456789" });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("unauthorized");
    } finally {
      await server.close();
    }
  });

  it("commands go to the local server that owns the data dir", { timeout: 120_000 }, async () => {
    const dataDir = tempDir();
    const server = await startLocalServer({ env: { ...env, XBOT_DATA_DIR: dataDir }, port: 0, sandbox: false, scheduler: false, logSink: () => {}, cli: localCli });
    try {
      const r = await xbot(["queue", "add", "Delegated to the server", "--json"], { ...env, XBOT_DATA_DIR: dataDir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe("");
      expect(json(r)).toMatchObject({ item: { tweets: ["Delegated to the server"] } });
      const human = await xbot(["breaker", "list"], { ...env, XBOT_DATA_DIR: dataDir });
      expect(human.stderr).toContain(`sent to the local server at ${server.url}`);
    } finally {
      await server.close();
    }
  });

  it("doctor on a good config: a missing session is a problem with its fix; after session import, all checks pass", { timeout: 180_000 }, async () => {
    const before = await xbot(["doctor"], env);
    expect(before.code, before.stdout + before.stderr).toBe(1);
    expect(before.stdout).toMatch(/ok\s+config\s+valid; mode live/);
    expect(before.stdout).toMatch(/ok\s+db\s+Postgres/);
    expect(before.stdout).toMatch(/ok\s+browser\s+bundled @sparticuz\/chromium launched/);
    expect(before.stdout).toMatch(/FAIL\s+session\s+no X session stored for account default\n\s+fix: xbot session import <storage-state.json>/);

    const dir = tempDir();
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({ ...sandbox.storageState(), cookies: sandbox.storageState().cookies.map((c) => (c.name === "auth_token" ? { ...c, value: "0".repeat(40) } : c)) }),
    );
    const rejected = await xbot(["session", "import", "bad.json"], env, dir);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain("session_expired");
    expect(rejected.stderr).toContain("fix: log in to");

    writeFileSync(join(dir, "state.json"), JSON.stringify(sandbox.storageState()));
    const imported = await xbot(["session", "import", "state.json", "--json"], env, dir);
    expect(imported.code, imported.stderr).toBe(0);
    expect(json(imported)).toMatchObject({ ok: true, username: sandbox.user, cookieCount: 2 });

    const check = await xbot(["session", "check"], env);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain(`logged in as @${sandbox.user}`);

    const after = await xbot(["doctor", "--json"], env);
    const report = json<{ ok: boolean; checks: { name: string; status: string }[] }>(after);
    expect(after.code, after.stdout).toBe(0);
    expect(report.ok).toBe(true);
    expect(Object.fromEntries(report.checks.map((c) => [c.name, c.status]))).toMatchObject({
      config: "ok",
      db: "ok",
      migrations: "ok",
      state: "ok",
      qstash: "skip",
      llm: "ok",
      browser: "ok",
      session: "ok",
    });
  });
});
