/**
 * The composition root: builds a RuntimeDeps from the environment for ONE invocation.
 * Config is parsed, clients are created (HTTP, no connection), the job list is validated,
 * and migrations run at most once per process and database.
 *
 * It imports no job code and no browser: by default the catalog holds every job's spec
 * only, and there is no browser. A job's function passes its own definition and, when the
 * job opens a browser, the opener factory (lib/runtime/http/job-function.ts), so each
 * function's module graph, and so its Vercel bundle, holds only what its job uses.
 */
import { join } from "node:path";
import { configSecrets, loadConfig, type Config } from "../config.js";
import { ensureMigrated } from "../db/migrate.js";
import { createLogger, type Logger, type LogSink } from "../log.js";
import { createClients } from "./clients.js";
import type { BrowserOpener, BrowserOpenerFactory, Clock, FaultHook } from "../jobs/context.js";
import { createCatalog } from "../jobs/catalog.js";
import type { JobDefinition, JobSpec } from "../jobs/job.js";
import { SPECS } from "../jobs/specs.js";
import { xBaseUrlOf } from "../jobs/mode.js";
import type { RuntimeDeps } from "./runner.js";

/** Overrides for tests and the local server; production passes nothing. */
export interface RuntimeOptions {
  readonly env?: Record<string, string | undefined>;
  readonly config?: Config;
  /** The catalog: specs, and the definitions this runtime can run. Default: every spec, none runnable. */
  readonly jobs?: readonly (JobSpec | JobDefinition)[];
  readonly logSink?: LogSink;
  readonly clock?: Clock;
  /** Builds the browser opener from the config and database (browserOpenerFrom); default: no browser. */
  readonly browser?: BrowserOpenerFactory;
  /** A ready opener; wins over `browser`. */
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
    catalog: createCatalog(options.jobs ?? SPECS),
    clients,
    log,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    ...openerOf(options, config, clients.sql),
    xBaseUrl: xBaseUrlOf(config),
  };
}

function openerOf(options: RuntimeOptions, config: Config, sql: RuntimeDeps["clients"]["sql"]): { openBrowser?: BrowserOpener; browserFactory?: BrowserOpenerFactory } {
  const opener = options.openBrowser ?? options.browser?.(config, sql);
  // A ready opener is used as given (tests); a factory also builds each account's own (account-scope.ts).
  return { ...(opener ? { openBrowser: opener } : {}), ...(!options.openBrowser && options.browser ? { browserFactory: options.browser } : {}) };
}
