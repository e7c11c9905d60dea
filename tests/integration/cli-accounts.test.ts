/**
 * `xbot account ...`, `run --account` and `session import --account` as a process
 * (bin/xbot.mjs) against real Postgres and the sandbox: settings validated with every bad
 * field named, the egress stored encrypted and never printed, the shared-egress warning,
 * pause/resume seen by a run, and a session stored for one account only.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { createSql, type Sql } from "../../lib/db/sql.js";
import { createTestDatabase, services } from "../support/env.js";
import { runNode, type CapturedRun } from "../support/node-process.js";

const svc = services();
const BIN = join(process.cwd(), "bin/xbot.mjs");
const KEY = randomBytes(32).toString("hex");
const dir = mkdtempSync(join(tmpdir(), "xbot-cli-acct-"));
const xbot = (args: string[], env: Record<string, string>): Promise<CapturedRun> => runNode([BIN, ...args], { env, cwd: dir, timeoutMs: 120_000, label: `xbot ${args.join(" ")}` });
const json = <T>(r: CapturedRun): T => JSON.parse(r.stdout) as T;

describe.skipIf(!svc.postgres)("xbot account", () => {
  let env: Record<string, string>;
  let sandbox: Sandbox;
  let sql: Sql;

  beforeAll(async () => {
    sandbox = await createSandbox({ user: "acme_co" });
    const url = await createTestDatabase("cliacct");
    env = {
      DATABASE_URL: url,
      XBOT_NEON_HTTP_URL: svc.postgres!.neonHttpUrl,
      XBOT_STATE: "postgres",
      XBOT_DATA_DIR: dir,
      XBOT_ADMIN_TOKEN: `admin-${randomBytes(12).toString("hex")}`,
      XBOT_SESSION_KEY: KEY,
    };
    sql = createSql({ databaseUrl: url, httpEndpoint: svc.postgres!.neonHttpUrl, dataDir: dir });
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("add validates every setting and names each bad field; list, show and edit; the egress is encrypted and never printed", { timeout: 180_000 }, async () => {
    const bad = await xbot(["account", "add", "Acme!", "--handle", "has space", "--caps", '{"postsPerHour":-1}', "--timezone", "Mars/Base", "--review", "some"], env);
    expect(bad.code).toBe(2);
    for (const field of ["id:", "handle:", "settings.caps.postsPerHour:", "settings.timezone:", "settings.review:"]) expect(bad.stderr).toContain(field);

    const added = await xbot(
      ["account", "add", "acme", "--handle", "acme_co", "--caps", '{"postsPerHour":1}', "--timezone", "Europe/Paris", "--active-hours", "9-18", "--voice", "dry, precise", "--mode", "dry", "--json"],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    expect(json(added)).toMatchObject({
      id: "acme",
      handle: "acme_co",
      status: "active",
      settings: { caps: { postsPerHour: 1 }, timezone: "Europe/Paris", activeHours: "9-18", voice: "dry, precise", mode: "dry" },
      egress: null,
    });
    expect((await xbot(["account", "add", "other", "--handle", "acme_co"], env)).code).toBe(1);
    expect((await xbot(["account", "add", "beta", "--handle", "beta_co", "--x-base-url", sandbox.url], env)).code).toBe(0);

    // Both on the deployment's own network: warned.
    const shared = json<{ accounts: { id: string }[]; warnings: string[] }>(await xbot(["account", "list", "--json"], env));
    expect(shared.accounts.map((a) => a.id)).toEqual(["acme", "beta"]);
    expect(shared.warnings).toEqual([expect.stringContaining("accounts acme, beta share one egress (no egress set")]);
    const doctor = json<{ checks: { name: string; status: string; detail: string; fix?: string }[] }>(await xbot(["doctor", "--json"], { ...env, XBOT_X_BASE_URL: sandbox.url }));
    expect(doctor.checks.find((c) => c.name === "accounts")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("acme + beta on no egress set"),
      fix: expect.stringContaining("xbot account edit <id> --proxy URL"),
    });
    const status = await xbot(["status"], env);
    expect(status.stdout).toContain("accounts acme, beta");
    expect(status.stdout).toMatch(/warning accounts acme, beta share one egress/);

    const secret = `pw${randomBytes(6).toString("hex")}`;
    const edited = await xbot(["account", "edit", "acme", "--proxy", `http://user:${secret}@proxy-a.example:8080`, "--settings", '{"voice":null,"caps":{"threadsPerDay":0}}', "--json"], env);
    expect(edited.code, edited.stderr).toBe(0);
    expect(json(edited)).toMatchObject({ egress: { proxy: true, browserEndpoint: false }, settings: { caps: { threadsPerDay: 0 }, mode: "dry" } });
    expect(json<{ settings: Record<string, unknown> }>(edited).settings.voice).toBeUndefined();
    const stored = await sql.query<{ egress_enc: string }>("SELECT egress_enc FROM accounts WHERE id = 'acme'");
    expect(stored[0]!.egress_enc).toMatch(/^s1\./);
    expect(stored[0]!.egress_enc).not.toContain(secret);
    const list = await xbot(["account", "list"], env);
    expect(list.stdout + list.stderr).not.toContain(secret);
    expect(list.stderr).not.toContain("share one egress");
    expect((await xbot(["account", "show", "acme"], env)).stdout).toMatch(/account acme \(@acme_co, active\).*egress proxy/);
    expect((await xbot(["account", "edit", "ghost", "--voice", "x"], env)).code).toBe(1);
  });

  it("run --account: a paused account is skipped, a resumed one runs under its id, an unknown one is a usage error", { timeout: 180_000 }, async () => {
    expect((await xbot(["account", "pause", "beta"], env)).code).toBe(0);
    expect(json(await xbot(["run", "heal", "--account", "beta", "--json"], env))).toMatchObject({ status: "skipped", reason: "account_paused" });
    expect((await xbot(["account", "resume", "beta"], env)).code).toBe(0);
    const ran = await xbot(["run", "heal", "--account", "beta", "--json"], env);
    expect(json(ran), ran.stderr).toMatchObject({ status: "ok" });
    const runs = await sql.query<{ account_id: string; status: string }>("SELECT account_id, status FROM job_runs WHERE job = 'heal' ORDER BY started_at");
    expect(runs).toEqual([
      { account_id: "beta", status: "skipped" },
      { account_id: "beta", status: "ok" },
    ]);
    const unknown = await xbot(["run", "heal", "--account", "ghost"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown account "ghost"');
  });

  it("session import --account stores the session for that account only, validated in a browser with its config", { timeout: 180_000 }, async () => {
    writeFileSync(join(dir, "state.json"), JSON.stringify(sandbox.storageState()));
    const unknown = await xbot(["session", "import", "state.json", "--account", "ghost"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("xbot account add ghost");
    // acme's own egress (the unreachable proxy set above) is what the validating browser uses.
    const viaProxy = await xbot(["session", "import", "state.json", "--account", "acme"], { ...env, XBOT_X_BASE_URL: sandbox.url });
    expect(viaProxy.code).toBe(1);
    expect(viaProxy.stderr).toContain("ERR_PROXY_CONNECTION_FAILED");
    expect((await xbot(["account", "edit", "acme", "--proxy", "none"], env)).code).toBe(0);
    const ok = await xbot(["session", "import", "state.json", "--account", "acme", "--json"], { ...env, XBOT_X_BASE_URL: sandbox.url });
    expect(ok.code, ok.stderr).toBe(0);
    expect(json(ok)).toMatchObject({ ok: true, accountId: "acme", username: "acme_co" });
    expect(await sql.query("SELECT account_id, username FROM x_sessions ORDER BY account_id")).toEqual([{ account_id: "acme", username: "acme_co" }]);
    const check = await xbot(["session", "check", "--account", "acme"], { ...env, XBOT_X_BASE_URL: sandbox.url });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain("logged in as @acme_co (stored for account acme");
    expect((await xbot(["session", "check"], { ...env, XBOT_X_BASE_URL: sandbox.url })).stderr).toContain("no X session is stored for account default");
    expect((await xbot(["account", "remove", "beta"], env)).code).toBe(0);
    expect(json<{ accounts: { id: string }[] }>(await xbot(["account", "list", "--json"], env)).accounts.map((a) => a.id)).toEqual(["acme"]);
  });
});
