/**
 * Runtimes for tests: real config parsing, real clients on the shared test services, an
 * explicit job list and captured log lines. One fresh database (Postgres) or prefix
 * (Redis) per runtime, so tests never see each other's state.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { createRuntime, type RuntimeOptions } from "../../lib/runtime/root.js";
import type { RuntimeDeps } from "../../lib/runtime/runner.js";
import { createTestDatabase, services } from "./env.js";

/** Secrets every test runtime uses (the log-secrecy checks look for these). */
export const TEST_SECRETS = { cron: "cron-secret-0123456789abcdef", admin: "admin-token-0123456789abcdef" } as const;

/** Which store a runtime keeps state in. */
export type StoreKind = "redis" | "postgres";

/** The environment of a test runtime on one store (a fresh database each call). */
export async function testEnv(store: StoreKind, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const svc = services();
  const env: Record<string, string> = {
    DATABASE_URL: await createTestDatabase("rt"),
    XBOT_NEON_HTTP_URL: svc.postgres!.neonHttpUrl,
    XBOT_STATE: store,
    XBOT_PREFIX: `t${randomBytes(5).toString("hex")}`,
    XBOT_DATA_DIR: mkdtempSync(join(tmpdir(), "xbot-rt-")),
    CRON_SECRET: TEST_SECRETS.cron,
    XBOT_ADMIN_TOKEN: TEST_SECRETS.admin,
    XBOT_LOG_LEVEL: "debug",
    ...extra,
  };
  if (store === "redis") Object.assign(env, { UPSTASH_REDIS_REST_URL: svc.redis!.restUrl, UPSTASH_REDIS_REST_TOKEN: svc.redis!.restToken });
  return env;
}

/** A runtime plus the log lines it wrote. */
export interface TestRuntime {
  readonly env: Record<string, string>;
  readonly logs: string[];
  /** A factory for the HTTP routes (a new runtime per request, like production). */
  factory(): Promise<RuntimeDeps>;
}

/** Builds a test runtime on a store. */
export async function testRuntime(store: StoreKind, options: Omit<RuntimeOptions, "env" | "logSink"> & { env?: Record<string, string> } = {}): Promise<TestRuntime> {
  const env = await testEnv(store, options.env);
  const logs: string[] = [];
  const factory = () => createRuntime({ ...options, env, logSink: (line) => logs.push(line) });
  await factory();
  return { env, logs, factory };
}

/** Both stores when their services exist. */
export function availableStores(): StoreKind[] {
  const svc = services();
  if (!svc.postgres) return [];
  return svc.redis ? ["redis", "postgres"] : ["postgres"];
}
