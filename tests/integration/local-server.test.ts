/**
 * The local server (`npm start`) on a temp XBOT_DATA_DIR and free ports: the same api/ routes
 * with the generated admin token, the static dashboard, the CLI endpoint; and `npm start`
 * itself as a process: `--once` on zero configuration (embedded PGlite, sandbox, evergreen)
 * and a bad config.
 */
import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOBS } from "../../lib/jobs/index.js";
import { startLocalServer, type LocalServer } from "../../lib/dev/server.js";
import { localCli } from "../../lib/cli/local-cli.js";
import { createCatalog } from "../../lib/jobs/catalog.js";
import { createTestDatabase, services } from "../support/env.js";
import { envWithoutXbot, runNode, type CapturedRun } from "../support/node-process.js";
import { freePort } from "../support/services.js";
import { deliver, QSTASH_DEV_CREDENTIALS } from "../support/qstash-shim.js";

const svc = services();
const START = join(process.cwd(), "lib/cli/start.ts");
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "xbot-local-"));
  dirs.push(dir);
  return dir;
}

/** Runs `npm start` (lib/cli/start.ts) as a process; resolves with its exit code and output. */
function runStart(args: string[], env: Record<string, string>, timeoutMs: number): Promise<CapturedRun> {
  return runNode(["--import", "tsx", START, ...args], { env, timeoutMs, label: `npm start ${args.join(" ")}` });
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!svc.postgres)("local server on the same route handlers", () => {
  let server: LocalServer;
  let dataDir: string;
  let token: string;
  const logs: string[] = [];

  beforeAll(async () => {
    dataDir = tempDir();
    const env = {
      DATABASE_URL: await createTestDatabase("local"),
      XBOT_NEON_HTTP_URL: svc.postgres!.neonHttpUrl,
      XBOT_STATE: "postgres",
      XBOT_DATA_DIR: dataDir,
      QSTASH_CURRENT_SIGNING_KEY: QSTASH_DEV_CREDENTIALS.currentSigningKey,
      QSTASH_NEXT_SIGNING_KEY: QSTASH_DEV_CREDENTIALS.nextSigningKey,
    };
    server = await startLocalServer({ env, port: 0, sandboxPort: 0, scheduler: false, logSink: (line) => logs.push(line), cli: localCli });
    token = (JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8")) as { XBOT_ADMIN_TOKEN: string }).XBOT_ADMIN_TOKEN;
  });

  afterAll(async () => {
    await server?.close();
  });

  const auth = () => ({ authorization: `Bearer ${token}` });

  it("generates the admin token and session key into a 0600 file and publishes the instance", () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(join(dataDir, "secrets.json")).mode & 0o777).toBe(0o600);
    expect(server.local.config.XBOT_SESSION_KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(server.local.adminTokenSource).toBe("generated");
    const instance = JSON.parse(readFileSync(join(dataDir, "server.json"), "utf8")) as { pid: number; url: string; sandboxUrl: string };
    expect(instance).toMatchObject({ pid: process.pid, url: server.url });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(instance.sandboxUrl).toBe(server.local.sandbox?.url);
    expect(server.local.sandboxSession).toBe("imported");
    expect(server.local.config.XBOT_X_BASE_URL).toBe(server.local.sandbox?.url);
  });

  it("serves /api/health: status only in public, the full report with the admin token", async () => {
    const open = await fetch(`${server.url}/api/health`);
    expect(open.status).toBe(200);
    expect(await open.json()).toEqual({ status: expect.stringMatching(/^(ok|degraded)$/) });
    const full = (await (await fetch(`${server.url}/api/health`, { headers: auth() })).json()) as { order: string[]; jobs: Record<string, unknown> };
    expect(full.order).toEqual(createCatalog(JOBS).order);
    expect(Object.keys(full.jobs).sort()).toEqual(JOBS.map((j) => j.name).sort());
  });

  it("runs heal through POST /api/jobs/heal with the generated token, 401 without it", async () => {
    const refused = await fetch(`${server.url}/api/jobs/heal`, { method: "POST" });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: "unauthorized" });
    const wrong = await fetch(`${server.url}/api/jobs/heal`, { method: "POST", headers: { authorization: "Bearer not-the-token-0123456789" } });
    expect(wrong.status).toBe(401);
    const ran = await fetch(`${server.url}/api/jobs/heal`, { method: "POST", headers: { ...auth(), "content-type": "application/json" }, body: "{}" });
    expect(ran.status).toBe(200);
    expect(await ran.json()).toMatchObject({ job: "heal", status: "ok" });
    const status = (await (await fetch(`${server.url}/api/status`, { headers: auth() })).json()) as { runs: { job: string; trigger: string }[] };
    expect(status.runs.some((r) => r.job === "heal" && r.trigger === "manual")).toBe(true);
  });

  it("keeps the routes' behaviour: cron GET without CRON_SECRET, 413 over 64 KiB, 404s", async () => {
    expect((await fetch(`${server.url}/api/jobs/heal`)).status).toBe(401);
    const big = await fetch(`${server.url}/api/jobs/heal`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: JSON.stringify({ params: { pad: "x".repeat(70 * 1024) } }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: "payload_too_large" });
    const unknownJob = await fetch(`${server.url}/api/jobs/nope`, { method: "POST", headers: auth() });
    expect(unknownJob.status).toBe(404);
    expect((await fetch(`${server.url}/api/nothing`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/status`)).status).toBe(401);
    const queue = await fetch(`${server.url}/api/queue`, { method: "POST", body: "{}" });
    expect(queue.status).toBe(401);
  });

  it("hands /api/queue the raw body: a signed QStash delivery runs, a tampered one is refused", async () => {
    const body = '{"job":"heal",  "params": {"note": "h\u00e9llo \u2713"}}\n';
    const ok = await deliver(`${server.url}/api/queue`, Buffer.from(body, "utf8"), { headers: { "content-type": "application/json" } });
    expect(ok.status, ok.body).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ job: "heal", status: "ok" });
    const tampered = await deliver(`${server.url}/api/queue`, body, { signedBody: body.replace("  ", " ") });
    expect(tampered.status).toBe(401);
    const otherUrl = await deliver(`${server.url}/api/queue`, body, { signedUrl: `${server.url}/api/queue?x=1` });
    expect(otherUrl.status).toBe(401);
  });

  it("checks a token against its own socket address: a token for another host is refused, with and without forwarded headers", async () => {
    const body = '{"job":"heal"}';
    const other = "https://other-deployment.vercel.app/api/queue";
    const bare = await deliver(`${server.url}/api/queue`, body, { signedUrl: other });
    expect(bare.status).toBe(401);
    const forwarded = await deliver(`${server.url}/api/queue`, body, { signedUrl: other, headers: { "x-forwarded-host": "other-deployment.vercel.app", "x-forwarded-proto": "https" } });
    expect(forwarded.status).toBe(401);
    const own = await deliver(`${server.url}/api/queue`, body, { headers: { "x-forwarded-host": "other-deployment.vercel.app", "x-forwarded-proto": "https" } });
    expect(own.status, own.body).toBe(200);
  });

  it("answers client mistakes that no Web Request can carry with a 4xx: TRACE, a broken percent-encoding, an absolute-form target", async () => {
    const raw = (method: string, path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${server.url}${path.startsWith("/") ? path : ""}`, { method, path, headers: auth() }, (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on("error", reject);
        req.end();
      });
    for (const [method, path, status] of [
      ["TRACE", "/api/jobs/heal", 405],
      ["TRACE", "/api/queue", 405],
      ["POST", "/api/jobs/%zz", 404],
      ["GET", "/api/jobs/%E0%A4%A", 404],
      ["GET", "http://evil.test/api/health", 200],
    ] as const) {
      const res = await raw(method, path);
      expect(res.status, `${method} ${path}: ${res.body}`).toBe(status);
      expect(() => JSON.parse(res.body) as unknown).not.toThrow();
    }
    expect(logs.filter((l) => l.includes('"level":"error"') && l.includes("local server"))).toEqual([]);
  });

  it("serves the dashboard and the vendored uPlot from public/, and nothing outside it", async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("/app.js");
    const lib = await fetch(`${server.url}/vendor/uPlot.iife.min.js`);
    expect(lib.status).toBe(200);
    expect(lib.headers.get("content-type")).toContain("javascript");
    expect((await fetch(`${server.url}/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/..%2fpackage.json`)).status).toBe(404);
  });

  it("runs CLI commands sent to /__xbot/cli with the admin token", async () => {
    const refused = await fetch(`${server.url}/__xbot/cli`, { method: "POST", body: JSON.stringify({ argv: ["status"] }) });
    expect(refused.status).toBe(401);
    const add = await fetch(`${server.url}/__xbot/cli`, { method: "POST", headers: auth(), body: JSON.stringify({ argv: ["queue", "add", "Sent through the local server", "--json"] }) });
    const body = (await add.json()) as { code: number; stdout: string };
    expect(body.code).toBe(0);
    expect(JSON.parse(body.stdout)).toMatchObject({ item: { status: "queued", tweets: ["Sent through the local server"] } });
    for (const origin of ["https://evil.example", "null", "http://127.0.0.1:1"]) {
      const foreign = await fetch(`${server.url}/__xbot/cli`, { method: "POST", headers: { ...auth(), origin }, body: JSON.stringify({ argv: ["queue", "add", "From a web page"] }) });
      expect(foreign.status, origin).toBe(403);
      expect(await foreign.json()).toMatchObject({ error: "forbidden_origin" });
    }
    const own = await fetch(`${server.url}/__xbot/cli`, { method: "POST", headers: { ...auth(), origin: server.url }, body: JSON.stringify({ argv: ["status", "--json"] }) });
    expect(own.status).toBe(200);
    const nul = await fetch(`${server.url}/__xbot/cli`, { method: "POST", headers: auth(), body: JSON.stringify({ argv: ["queue", "add", "a\u0000b"] }) });
    const refused2 = (await nul.json()) as { code: number; stderr: string };
    expect(refused2.code).toBe(2);
    expect(refused2.stderr).toContain("control character U+0000");
    expect(refused2.stderr).not.toContain("db_query");
  });

  it("refuses `npm start -- --once` on a data dir a live server owns", async () => {
    const result = await runStart(["--once"], { XBOT_DATA_DIR: dataDir }, 60_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`pid ${process.pid}`);
  });
});

describe("npm start as a process", () => {
  it.skipIf(!svc.postgres)("prints where everything is, serves, and stops cleanly on SIGTERM", { timeout: 120_000 }, async () => {
    const dataDir = tempDir();
    const [port, sandboxPort] = [await freePort(), await freePort()];
    const env = {
      ...envWithoutXbot(),
      DATABASE_URL: await createTestDatabase("start"),
      XBOT_NEON_HTTP_URL: svc.postgres!.neonHttpUrl,
      XBOT_DATA_DIR: dataDir,
      XBOT_PORT: String(port),
      XBOT_SANDBOX_PORT: String(sandboxPort),
    };
    const child = spawn(process.execPath, ["--import", "tsx", START], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      for (let i = 0; i < 600 && !stdout.includes("Ctrl-C stops."); i++) await new Promise((r) => setTimeout(r, 100));
      expect(stdout, stderr).toContain("Ctrl-C stops.");
      const token = (JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8")) as { XBOT_ADMIN_TOKEN: string }).XBOT_ADMIN_TOKEN;
      expect(stdout).toContain(`dashboard    http://127.0.0.1:${port}/`);
      expect(stdout).toContain(`X site       sandbox http://127.0.0.1:${sandboxPort}/home as @xbot_sandbox, session stored`);
      expect(stdout).toContain(`data dir     ${dataDir}`);
      expect(stdout).toContain("database     Postgres (DATABASE_URL, via XBOT_NEON_HTTP_URL)");
      expect(stdout).toContain("state        Postgres (same database)");
      expect(stdout).toContain(`admin token  ${token}`);
      for (const job of JOBS) expect(stdout).toContain(`${job.name} "${job.schedule}"`);
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(await health.json()).toEqual({ status: expect.any(String) });
      expect((await fetch(`http://127.0.0.1:${sandboxPort}/home`)).status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain("xbot: stopped");
    expect(() => statSync(join(dataDir, "server.json"))).toThrow();
    await expect(fetch(`http://127.0.0.1:${sandboxPort}/home`)).rejects.toThrow();
  });

  it("a bad config exits 1 with one message naming both variables and no stack", { timeout: 60_000 }, async () => {
    const result = await runStart([], { DATABASE_URL: "nonsense", UPSTASH_REDIS_REST_URL: "ftp://x", XBOT_DATA_DIR: tempDir() }, 50_000);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Invalid configuration (2 problems)");
    expect(result.stderr).toContain("DATABASE_URL");
    expect(result.stderr).toContain("UPSTASH_REDIS_REST_URL");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("--once on zero configuration runs every job in dependency order and prints the summary", { timeout: 240_000 }, async () => {
    const dataDir = tempDir();
    const result = await runStart(["--once"], { XBOT_DATA_DIR: dataDir, XBOT_LOG_LEVEL: "warn" }, 230_000);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^job\s+status\s+reason \/ error \/ summary\s+duration$/);
    const order = createCatalog(JOBS).order;
    const rows = lines.slice(2, 2 + order.length).map((line) => line.split(/\s+/));
    expect(rows.map((r) => r[0])).toEqual(order);
    for (const row of rows) expect(["ok", "skipped", "failed"]).toContain(row[1]);
    const failed = rows.filter((r) => r[1] === "failed").length;
    expect(result.code, result.stdout + result.stderr.slice(-2000)).toBe(failed > 0 ? 1 : 0);
    expect(result.stdout).toContain(`of ${order.length} job(s) did not fail`);
    expect(statSync(join(dataDir, "secrets.json")).mode & 0o777).toBe(0o600);
    expect(() => statSync(join(dataDir, "server.json"))).toThrow();
  });
});
