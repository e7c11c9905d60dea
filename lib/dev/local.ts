/**
 * The local runtime shared by `npm start`, `npm start -- --once` and the CLI: the config
 * with the local defaults filled in, ONE set of clients for the process (the embedded PGlite
 * database may be opened only once), the sandbox X site when no real one is configured, the
 * sandbox session stored like an imported one, and every browser a run opens tracked so
 * shutdown can close it.
 *
 * Local defaults, each only when the variable is not set in the environment:
 *   XBOT_ADMIN_TOKEN, XBOT_SESSION_KEY   generated once, kept in XBOT_DATA_DIR/secrets.json (0600)
 *   XBOT_X_BASE_URL, XBOT_X_USER         the sandbox's url and user (when the sandbox runs)
 *   XBOT_X_API_BASE_URL, X_API_KEY, ...  the sandbox's issued API keys (XBOT_X_TRANSPORT=api|hybrid, no keys set)
 */
import { closeEmbeddedDatabases } from "../db/pglite-fetch.js";
import { sessionVault } from "../db/x-sessions.js";
import { join } from "node:path";
import { parseStorageState, type BrowserSession } from "../browser/index.js";
import { loadConfig, type Config } from "../config.js";
import { toXbotError, XbotError } from "../errors.js";
import type { LogSink } from "../log.js";
import type { BrowserOpener } from "../jobs/context.js";
import type { JobDefinition } from "../jobs/job.js";
import { createRuntime } from "../runtime/root.js";
import { browserOpenerFrom } from "../runtime/browser-need.js";
import { JOBS } from "../jobs/index.js";
import type { RuntimeDeps } from "../runtime/runner.js";
import { cookieSetHash, importSession, loadSession } from "../x/session-store.js";
import { createSandbox, type ApiKeys, type Sandbox } from "./sandbox/index.js";
import { ensureSecrets, type SecretsFile } from "./secrets.js";

/** Options of {@link openLocal}. */
export interface LocalOptions {
  /** The environment (default process.env). */
  readonly env?: Record<string, string | undefined>;
  /** Start the sandbox X site. Default: when XBOT_X_BASE_URL is not set. */
  readonly sandbox?: boolean;
  /** Sandbox port; default XBOT_SANDBOX_PORT. 0 picks a free one. */
  readonly sandboxPort?: number;
  /** Fill XBOT_ADMIN_TOKEN / XBOT_SESSION_KEY from XBOT_DATA_DIR/secrets.json (created when missing). Default true. */
  readonly localSecrets?: boolean;
  readonly logSink?: LogSink;
  readonly jobs?: readonly JobDefinition[];
}

/** Where a secret of the effective config came from. */
export type SecretSource = "env" | "generated" | "file";

/** A local runtime. Close it once. */
export interface LocalRuntime {
  /** The effective config (local defaults applied). */
  readonly config: Config;
  /** The runtime every route, the scheduler and the CLI share. */
  readonly deps: RuntimeDeps;
  readonly sandbox: Sandbox | null;
  /** The local secrets file; null when `localSecrets` was false. */
  readonly secrets: SecretsFile | null;
  readonly adminTokenSource: SecretSource | null;
  readonly sessionKeySource: SecretSource | null;
  /** What happened to the sandbox session at start; null without a sandbox (see {@link storeSandboxSession}). */
  readonly sandboxSession: SandboxSessionOutcome | null;
  /** Browsers opened by runs and not closed yet. */
  openBrowsers(): number;
  /** Closes leftover browsers (bounded) and the sandbox. Idempotent. */
  close(): Promise<void>;
}

/** The environment with the local defaults; also says where each secret came from (null: unset). */
export function localEnv(
  env: Record<string, string | undefined>,
  secrets: SecretsFile | null,
  sandbox: (Pick<Sandbox, "url" | "user"> & Partial<Pick<Sandbox, "apiKeys">>) | null,
): {
  env: Record<string, string | undefined>;
  adminTokenSource: SecretSource | null;
  sessionKeySource: SecretSource | null;
} {
  const source = (name: "XBOT_ADMIN_TOKEN" | "XBOT_SESSION_KEY"): SecretSource | null => (env[name] ? "env" : !secrets ? null : secrets.generated.includes(name) ? "generated" : "file");
  const out: Record<string, string | undefined> = { ...env };
  if (secrets) {
    out.XBOT_ADMIN_TOKEN = env.XBOT_ADMIN_TOKEN || secrets.secrets.XBOT_ADMIN_TOKEN;
    out.XBOT_SESSION_KEY = env.XBOT_SESSION_KEY || secrets.secrets.XBOT_SESSION_KEY;
  }
  if (sandbox) Object.assign(out, { XBOT_X_BASE_URL: sandbox.url, XBOT_X_USER: sandbox.user });
  if (sandbox?.apiKeys && !env.X_API_KEY && (env.XBOT_X_TRANSPORT ?? "browser") !== "browser") {
    // The zero-config run on the API transport: the sandbox's issued keys, like its session.
    const k = sandbox.apiKeys;
    Object.assign(out, { XBOT_X_API_BASE_URL: sandbox.url, X_API_KEY: k.appKey, X_API_SECRET: k.appSecret, X_ACCESS_TOKEN: k.accessToken, X_ACCESS_SECRET: k.accessSecret });
  }
  return { env: out, adminTokenSource: source("XBOT_ADMIN_TOKEN"), sessionKeySource: source("XBOT_SESSION_KEY") };
}

/**
 * The configuration before the sandbox runs (paths, ports, whether a sandbox is wanted): with
 * the sandbox in use its issued keys complete XBOT_X_TRANSPORT=api later, so the transport's
 * key checks wait for the full load in {@link openLocal}. Every other problem is reported here.
 */
export function baseConfig(env: Record<string, string | undefined>): Config {
  return loadConfig(env.XBOT_X_BASE_URL ? env : { ...env, XBOT_X_TRANSPORT: undefined });
}

function sandboxKeysOf(file: SecretsFile): ApiKeys {
  const s = file.secrets;
  return { appKey: s.sandboxApiKey, appSecret: s.sandboxApiSecret, accessToken: s.sandboxAccessToken, accessSecret: s.sandboxAccessSecret };
}

/** Builds the local runtime. A bad config throws ConfigError before anything starts. */
export async function openLocal(options: LocalOptions = {}): Promise<LocalRuntime> {
  const env = options.env ?? process.env;
  const base = baseConfig(env);
  const wantSandbox = options.sandbox ?? !base.XBOT_X_BASE_URL;
  const secrets = options.localSecrets === false ? null : ensureSecrets(base.XBOT_DATA_DIR);
  let sandbox: Sandbox | null = null;
  if (wantSandbox) {
    const port = options.sandboxPort ?? base.XBOT_SANDBOX_PORT;
    sandbox = await createSandbox({ port, host: "127.0.0.1", ...(secrets ? { authToken: secrets.secrets.sandboxAuthToken, apiKeys: sandboxKeysOf(secrets) } : {}) }).catch((error: unknown) => {
      const busy = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
      throw new XbotError(
        "config_invalid",
        busy ? `the sandbox X site cannot listen on 127.0.0.1:${port} (in use): set XBOT_SANDBOX_PORT to a free port` : `the sandbox X site did not start: ${(error as Error).message}`,
      );
    });
  }
  try {
    const local = localEnv(env, secrets, sandbox);
    const config = loadConfig(local.env);
    const tracker = browserTracker();
    // Locally one process runs every job: all definitions and the browser.
    const runtime = await createRuntime({ config, ...(options.logSink ? { logSink: options.logSink } : {}), jobs: options.jobs ?? JOBS, browser: browserOpenerFrom });
    const deps: RuntimeDeps = { ...runtime, ...(runtime.openBrowser ? { openBrowser: tracker.wrap(runtime.openBrowser) } : {}) };
    const sandboxSession = sandbox ? await storeSandboxSession(deps, sandbox) : null;
    let closing: Promise<void> | undefined;
    return {
      config,
      deps,
      sandbox,
      secrets,
      sandboxSession,
      adminTokenSource: local.adminTokenSource,
      sessionKeySource: local.sessionKeySource,
      openBrowsers: () => tracker.count(),
      close: () =>
        (closing ??= (async () => {
          await tracker.closeAll();
          await sandbox?.close();
          await closeEmbeddedDatabases();
        })()),
    };
  } catch (error) {
    await sandbox?.close();
    throw error;
  }
}

/**
 * imported: stored now; unchanged: already stored; kept: another account's session is stored
 * and was left alone; unreadable: the stored session cannot be decrypted with the configured
 * key (another XBOT_SESSION_KEY?) and was left alone, never replaced.
 */
export type SandboxSessionOutcome = "imported" | "unchanged" | "kept" | "unreadable";

/**
 * Stores the sandbox's cookies as the account's X session, exactly as `xbot session import`
 * would, validated over HTTP against the sandbox's /home (no browser needed). Skipped when the
 * stored session already has the same cookies, and never overwrites a readable session of
 * another handle (a real account imported by hand): that one is "kept" and the caller warns.
 */
export async function storeSandboxSession(deps: Pick<RuntimeDeps, "config" | "clients" | "log">, sandbox: Sandbox): Promise<SandboxSessionOutcome> {
  const { config } = deps;
  const key = config.XBOT_SESSION_KEY;
  if (!key) throw new XbotError("config_invalid", "XBOT_SESSION_KEY is needed to store the sandbox session");
  const state = parseStorageState(sandbox.storageState());
  let stored: Awaited<ReturnType<typeof loadSession>>;
  try {
    stored = await loadSession(sessionVault(deps.clients.sql), config.XBOT_ACCOUNT_ID, key);
  } catch (error) {
    deps.log.error("the stored X session cannot be decrypted with XBOT_SESSION_KEY; it is left as it is (set the key it was stored with, or import a session again)", {
      accountId: config.XBOT_ACCOUNT_ID,
      error: toXbotError(error).toJSON(),
    });
    return "unreadable";
  }
  if (stored?.username && stored.username !== sandbox.user) {
    deps.log.warn("sandbox session not stored: a session of another handle is stored for this account", { accountId: config.XBOT_ACCOUNT_ID, stored: stored.username });
    return "kept";
  }
  if (stored && cookieSetHash(stored.state) === cookieSetHash(state)) return "unchanged";
  await importSession(sessionVault(deps.clients.sql), {
    accountId: config.XBOT_ACCOUNT_ID,
    key,
    state,
    logger: deps.log,
    validate: async (candidate) => {
      const cookie = candidate.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
      const response = await fetch(`${sandbox.url}/home`, { headers: { cookie }, redirect: "manual" });
      const html = await response.text();
      if (response.status !== 200 || !html.includes(`@${sandbox.user}`)) throw new XbotError("session_expired", "the sandbox did not accept its own session");
      return { user: sandbox.user };
    },
  });
  return "imported";
}

/** Tracks browsers opened through an opener so that shutdown can close the ones left open. */
function browserTracker(): { wrap(open: BrowserOpener): BrowserOpener; count(): number; closeAll(): Promise<void> } {
  const open = new Set<BrowserSession>();
  return {
    wrap: (opener) => async (request) => {
      const session = await opener(request);
      open.add(session);
      const close = (): Promise<void> => session.close().finally(() => open.delete(session));
      const tracked: BrowserSession = {
        provider: session.provider,
        withPage: (operation, fn, pageOptions) => session.withPage(operation, fn, pageOptions),
        storageState: () => session.storageState(),
        stats: () => session.stats(),
        process: () => session.process(),
        close,
        [Symbol.asyncDispose]: close,
      };
      return tracked;
    },
    count: () => open.size,
    async closeAll() {
      await Promise.allSettled([...open].map((s) => s.close()));
      open.clear();
    },
  };
}

/** Human names of where things are, for the start banner and `xbot status`. */
export function describeConfig(config: Config): { db: string; state: string; browser: string; llm: string; x: string } {
  return {
    db: config.DATABASE_URL ? `Postgres (DATABASE_URL${config.XBOT_NEON_HTTP_URL ? ", via XBOT_NEON_HTTP_URL" : ""})` : `embedded PGlite in ${join(config.XBOT_DATA_DIR, "db")}`,
    state: config.stateBackend === "redis" ? "Upstash Redis (UPSTASH_REDIS_REST_URL)" : "Postgres (same database)",
    browser: config.BROWSER_WS_ENDPOINT ? "remote CDP (BROWSER_WS_ENDPOINT)" : config.CHROMIUM_PATH ? `local Chromium (${config.CHROMIUM_PATH})` : "bundled @sparticuz/chromium",
    llm: config.XBOT_LLM_API_KEY ? `${config.XBOT_LLM_MODEL}${config.XBOT_LLM_BASE_URL ? ` at ${config.XBOT_LLM_BASE_URL}` : ""}` : "none (the evergreen library is used)",
    x: config.XBOT_X_BASE_URL ?? "https://x.com",
  };
}
