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
import { browserOpenerFrom } from "../../lib/runtime/browser-need.js";
import { JOBS } from "../../lib/jobs/index.js";
import type { RuntimeDeps } from "../../lib/runtime/runner.js";
import { createTestDatabase, services } from "./env.js";
import { captureLogLine, registerSecret } from "./log-capture.js";

/** Secrets every test runtime uses (the log-secrecy checks look for these). */
export const TEST_SECRETS = { cron: "cron-secret-0123456789abcdef", admin: "admin-token-0123456789abcdef" } as const;

/** Which store a runtime keeps state in. */
export type StoreKind = "redis" | "postgres";

/**
 * The environment of a test runtime on one store (a fresh database each call). Values in
 * `extra` win, so a test can point a runtime at its own Postgres/Redis (outage tests).
 */
export async function testEnv(store: StoreKind, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const svc = services();
  const env: Record<string, string> = {
    DATABASE_URL: extra.DATABASE_URL ?? (await createTestDatabase("rt")),
    XBOT_NEON_HTTP_URL: svc.postgres!.neonHttpUrl,
    XBOT_STATE: store,
    XBOT_PREFIX: `t${randomBytes(5).toString("hex")}`,
    XBOT_DATA_DIR: mkdtempSync(join(tmpdir(), "xbot-rt-")),
    CRON_SECRET: TEST_SECRETS.cron,
    XBOT_ADMIN_TOKEN: TEST_SECRETS.admin,
    XBOT_LOG_LEVEL: "debug",
  };
  if (store === "redis") Object.assign(env, { UPSTASH_REDIS_REST_URL: svc.redis!.restUrl, UPSTASH_REDIS_REST_TOKEN: svc.redis!.restToken });
  return Object.assign(env, extra);
}

/** Env variables whose values are secrets (the log scan at the end of the run looks for them). */
const SECRET_ENV = [
  "CRON_SECRET",
  "XBOT_ADMIN_TOKEN",
  "XBOT_SESSION_KEY",
  "UPSTASH_REDIS_REST_TOKEN",
  "KV_REST_API_TOKEN",
  "QSTASH_TOKEN",
  "QSTASH_CURRENT_SIGNING_KEY",
  "QSTASH_NEXT_SIGNING_KEY",
  "XBOT_LLM_API_KEY",
  "OPENAI_API_KEY",
] as const;

/** Registers the secrets a runtime's env carries (and the shared services' keys) for the end-of-run log scan. */
export function registerEnvSecrets(env: Record<string, string | undefined>): void {
  for (const name of SECRET_ENV) registerSecret(name, env[name]);
  if (env.XBOT_PROXY_URL) {
    try {
      registerSecret("XBOT_PROXY_URL password", decodeURIComponent(new URL(env.XBOT_PROXY_URL).password));
    } catch {
      // not a URL: config parsing reports it
    }
  }
  // The shared services' tokens and signing keys are registered by the global setup.
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
  registerSecret("TEST_SECRETS.cron", TEST_SECRETS.cron);
  registerSecret("TEST_SECRETS.admin", TEST_SECRETS.admin);
  registerEnvSecrets(env);
  const logs: string[] = [];
  const sink = (line: string) => {
    logs.push(line);
    captureLogLine(line);
  };
  // Like the local server: every job runnable and the configured browser, unless the test says otherwise.
  const factory = () => createRuntime({ jobs: JOBS, browser: browserOpenerFrom, ...options, env, logSink: sink });
  await factory();
  return { env, logs, factory };
}

/** Both stores when their services exist. */
export function availableStores(): StoreKind[] {
  const svc = services();
  if (!svc.postgres) return [];
  return svc.redis ? ["redis", "postgres"] : ["postgres"];
}
