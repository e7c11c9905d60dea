/**
 * The composition root: builds a RuntimeDeps from the environment for ONE invocation.
 * Config is parsed, clients are created (HTTP, no connection), the job list is validated,
 * and migrations run at most once per process and database.
 */
import { join } from "node:path";
import { configSecrets, loadConfig, type Config } from "../config.js";
import { ensureMigrated } from "../db/migrate.js";
import { createLogger, type Logger, type LogSink } from "../log.js";
import { createClients } from "./clients.js";
import { browserOpenerFrom } from "./browser-need.js";
import type { BrowserOpener, Clock, FaultHook } from "./context.js";
import { createCatalog } from "./deps.js";
import type { JobDefinition } from "./job.js";
import { JOBS } from "../jobs/index.js";
import { xBaseUrlOf } from "./mode.js";
import type { RuntimeDeps } from "./runner.js";

/** Overrides for tests and the local server; production passes nothing. */
export interface RuntimeOptions {
  readonly env?: Record<string, string | undefined>;
  readonly config?: Config;
  readonly jobs?: readonly JobDefinition[];
  readonly logSink?: LogSink;
  readonly clock?: Clock;
  readonly openBrowser?: BrowserOpener;
  /** Test-only fault hooks. */
  readonly faults?: FaultHook;
}

/** Builds the dependencies of one invocation. */
export async function createRuntime(options: RuntimeOptions = {}): Promise<RuntimeDeps> {
  const config = options.config ?? loadConfig(options.env);
  const clients = createClients(config);
  await ensureMigrated(clients.sql, config.DATABASE_URL ?? join(config.XBOT_DATA_DIR, "db"));
  const log: Logger = createLogger({ level: config.XBOT_LOG_LEVEL, secrets: configSecrets(config), ...(options.logSink ? { sink: options.logSink } : {}) });
  return {
    config,
    catalog: createCatalog(options.jobs ?? JOBS),
    clients,
    log,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    openBrowser: options.openBrowser ?? browserOpenerFrom(config, clients.sql),
    xBaseUrl: xBaseUrlOf(config),
  };
}
