/**
 * vitest globalSetup: starts the real test services once per run and hands
 * their addresses to tests through `project.provide("services", ...)`
 * (read them with `services()` from ./env.ts).
 *
 *   Postgres (throwaway, local binaries) + Neon HTTP shim + Neon WebSocket proxy
 *   Redis (redis-server child)           + Upstash REST shim
 *   QStash shim (in-process)
 *
 * A missing binary prints one loud line and provides that service as null,
 * unless XBOT_TEST_REQUIRE (comma list: postgres,redis) names it: then the run fails.
 * XBOT_TEST_SKIP (comma list: postgres,redis) treats a service as missing on purpose.
 *
 * It also provides `logFile` and `secretsFile` (tests/support/log-capture.ts): test
 * runtimes append every log line and every secret they were given, and the teardown FAILS
 * the run if any secret appears in any captured line (naming its kind, never its value).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import type { TestServices } from "./env.js";
import { startNeonHttpShim } from "./neon-http-shim.js";
import { startNeonWsProxy } from "./neon-ws-proxy.js";
import { startQStashShim } from "./qstash-shim.js";
import { isProcessAlive, missingBinaries, startPostgres, startRedis, waitForExit } from "./services.js";
import { startUpstashShim } from "./upstash-shim.js";
import { describeScan, MIN_SECRET_LENGTH, scanLogFiles } from "./log-capture.js";
import { checkChromiumLeaks } from "./chromium-leaks.js";

type Teardown = { name: string; run: () => Promise<void> };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const list = (value: string | undefined) =>
    new Set(
      (value ?? "")
        .split(",")
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    );
  const required = list(process.env.XBOT_TEST_REQUIRE);
  const skipped = list(process.env.XBOT_TEST_SKIP);
  const missing = missingBinaries();
  const teardowns: Teardown[] = [];
  const pids: Array<{ name: string; pid: number }> = [];

  const teardown = async () => {
    const errors: string[] = [];
    for (const t of teardowns.reverse()) {
      try {
        await t.run();
      } catch (error) {
        errors.push(`${t.name}: ${(error as Error).message}`);
      }
    }
    teardowns.length = 0;
    // Verify that nothing we started is left running.
    for (const { name, pid } of pids) {
      if (!(await waitForExit(pid, 5_000)) && isProcessAlive(pid)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
        errors.push(`${name} (pid ${pid}) was still running after teardown: killed`);
      }
    }
    if (errors.length) console.error(`[xbot tests] teardown problems:\n  ${errors.join("\n  ")}`);
  };

  const services: TestServices = { postgres: null, redis: null, qstash: null };
  try {
    const off = new Set<string>();
    for (const m of missing) {
      if (required.has(m.service)) {
        throw new Error(`[xbot tests] ${m.binary} not found but XBOT_TEST_REQUIRE includes "${m.service}". Install with: ${m.hint}`);
      }
      const name = m.service === "postgres" ? "Postgres" : "Redis";
      console.warn(`\n[xbot tests] ${m.binary} not found: ${name} suites are SKIPPED. Install with: ${m.hint}\n`);
      off.add(m.service);
    }
    for (const service of skipped) {
      if (off.has(service) || (service !== "postgres" && service !== "redis")) continue;
      if (required.has(service)) throw new Error(`[xbot tests] "${service}" is in both XBOT_TEST_SKIP and XBOT_TEST_REQUIRE`);
      console.warn(`\n[xbot tests] XBOT_TEST_SKIP=${service}: ${service === "postgres" ? "Postgres" : "Redis"} suites are SKIPPED.\n`);
      off.add(service);
    }

    if (!off.has("postgres")) {
      const pg = await startPostgres();
      teardowns.push({ name: "postgres", run: () => pg.stop() });
      const pid = pg.pid();
      if (pid) pids.push({ name: "postgres", pid });
      const http = await startNeonHttpShim({ port: pg.port });
      teardowns.push({ name: "neon-http-shim", run: () => http.close() });
      const wsProxy = await startNeonWsProxy({ port: pg.port });
      teardowns.push({ name: "neon-ws-proxy", run: () => wsProxy.close() });
      services.postgres = { url: pg.url, host: pg.host, port: pg.port, neonHttpUrl: http.sqlUrl, wsProxy: wsProxy.wsProxy };
    }

    if (!off.has("redis")) {
      const redis = await startRedis();
      teardowns.push({ name: "redis", run: () => redis.stop() });
      const pid = redis.pid();
      if (pid) pids.push({ name: "redis-server", pid });
      const restToken = `xbot-test-${randomBytes(12).toString("hex")}`;
      const upstash = await startUpstashShim({ port: redis.port, token: restToken });
      teardowns.push({ name: "upstash-shim", run: () => upstash.close() });
      services.redis = { url: redis.url, port: redis.port, restUrl: upstash.restUrl, restToken };
    }

    const qstash = await startQStashShim();
    teardowns.push({ name: "qstash-shim", run: () => qstash.close() });
    services.qstash = {
      url: qstash.url,
      token: qstash.token,
      currentSigningKey: qstash.currentSigningKey,
      nextSigningKey: qstash.nextSigningKey,
    };
  } catch (error) {
    await teardown();
    throw error;
  }

  const captureDir = mkdtempSync(join(tmpdir(), "xbot-logscan-"));
  const logFile = join(captureDir, "logs.jsonl");
  const secretsFile = join(captureDir, "secrets.jsonl");
  const shared: Array<[string, string | undefined]> = [
    ["UPSTASH_REDIS_REST_TOKEN (shared shim)", services.redis?.restToken],
    ["QSTASH_TOKEN (shared shim)", services.qstash?.token],
    ["QSTASH_CURRENT_SIGNING_KEY (shared shim)", services.qstash?.currentSigningKey],
    ["QSTASH_NEXT_SIGNING_KEY (shared shim)", services.qstash?.nextSigningKey],
  ];
  writeFileSync(logFile, "");
  writeFileSync(
    secretsFile,
    shared
      .filter(([, v]) => v && v.length >= MIN_SECRET_LENGTH)
      .map(([kind, value]) => `${JSON.stringify({ kind, value })}\n`)
      .join(""),
  );

  project.provide("services", services);
  project.provide("logFile", logFile);
  project.provide("secretsFile", secretsFile);
  return async () => {
    await teardown();
    // No secrets in logs, for the whole run: a leak fails the run (kind and line count only).
    let verdict: ReturnType<typeof describeScan>;
    try {
      verdict = describeScan(scanLogFiles(logFile, secretsFile));
    } finally {
      rmSync(captureDir, { recursive: true, force: true });
    }
    if (!verdict.ok) {
      // vitest only logs errors thrown by a global teardown ("error during close") and
      // still exits 0: set the exit code ourselves so a leak FAILS the run.
      process.exitCode = 1;
      console.error(verdict.error.message);
      throw verdict.error;
    }
    console.log(verdict.summary);
    const leaks = await checkChromiumLeaks(process.env.CI === "true");
    console.log(leaks.line);
    if (!leaks.ok) {
      process.exitCode = 1;
      throw new Error(leaks.line);
    }
  };
}
