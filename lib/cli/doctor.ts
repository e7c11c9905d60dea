/**
 * `xbot doctor [--online]`: checks config, db (and migrations), state, qstash, llm, browser
 * and the X session, one line each, with a fix line for every problem. Exit 3 on a bad
 * config, 1 when any check failed, 0 otherwise (warnings do not fail).
 */
import { xApiCheck } from "./doctor-x-api.js";
import { fanOutCheck } from "./doctor-fan-out.js";
import { z } from "zod";
import { openBrowser, parseProxyUrl } from "../browser/index.js";
import { ConfigError, loadConfig, type Config } from "../config.js";
import { createLlm } from "../content/generate.js";
import { generateStructured } from "../content/llm.js";
import { probeDb } from "../db/health.js";
import { appliedVersions, readMigrations } from "../db/migrate.js";
import { sessionVault } from "../db/x-sessions.js";
import { toXbotError, XbotError } from "../errors.js";
import { createLogger, type Logger } from "../log.js";
import { providerFrom } from "../runtime/browser-launch.js";
import { chromiumCheck } from "./doctor-chromium.js";
import { accountsCheck } from "./doctor-accounts.js";
import { createClients, type Clients } from "../runtime/clients.js";
import { xBaseUrlOf } from "../jobs/mode.js";
import { loadSession } from "../x/session-store.js";
import { describeConfig, localEnv, storeSandboxSession } from "../dev/local.js";
import { createSandbox, type Sandbox } from "../dev/sandbox/index.js";
import { ensureSecrets } from "../dev/secrets.js";
import { logSinkFor, progress, type CliContext } from "./context.js";
import { EXIT, toJson, type ExitCode } from "./io.js";
import { browserValidator, sessionFix } from "./session.js";

/** One line of the doctor's report. */
export interface Check {
  readonly name: string;
  readonly status: "ok" | "warn" | "fail" | "skip";
  readonly detail: string;
  readonly fix?: string;
}

function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check and prints the report. */
export async function doctorCommand(ctx: CliContext, online: boolean): Promise<ExitCode> {
  const checks: Check[] = [];
  let base: Config;
  try {
    base = loadConfig(ctx.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const p of error.problems) checks.push({ name: "config", status: "fail", detail: `${p.variable}: ${p.problem}`, fix: `fix or unset ${p.variable} (see .env.example)` });
    report(ctx, checks);
    return EXIT.config;
  }
  let sandbox: Sandbox | null = null;
  let config: Config;
  let clients: Clients;
  const log: Logger = ctx.local?.deps.log ?? createLogger({ level: "info", sink: logSinkFor(ctx) });
  if (ctx.local) {
    ({ config, sandbox } = ctx.local);
    clients = ctx.local.deps.clients;
  } else {
    const embedded = !base.DATABASE_URL;
    const secrets = embedded ? ensureSecrets(base.XBOT_DATA_DIR) : null;
    if (embedded && !base.XBOT_X_BASE_URL) {
      sandbox = await createSandbox({ port: 0, ...(secrets ? { authToken: secrets.secrets.sandboxAuthToken } : {}) });
      progress(ctx, `sandbox X site at ${sandbox.url} (started for the session check)`);
    }
    config = loadConfig(localEnv(ctx.env, secrets, sandbox).env);
    clients = createClients(config);
  }
  try {
    await runChecks(ctx, checks, config, clients, log, sandbox, online);
  } finally {
    if (!ctx.local) await sandbox?.close();
  }
  report(ctx, checks);
  return checks.some((c) => c.status === "fail") ? EXIT.failure : EXIT.ok;
}

async function runChecks(ctx: CliContext, checks: Check[], config: Config, clients: Clients, log: Logger, sandbox: Sandbox | null, online: boolean): Promise<void> {
  const where = describeConfig(config);
  checks.push({ name: "config", status: "ok", detail: `valid; mode ${config.XBOT_MODE}, account ${config.XBOT_ACCOUNT_ID}, X site ${where.x}${sandbox ? " (sandbox)" : ""}` });
  checks.push(
    config.XBOT_ADMIN_TOKEN
      ? { name: "admin token", status: "ok", detail: "set: manual runs, /api/status and the dashboard are enabled" }
      : {
          name: "admin token",
          status: "warn",
          detail: "XBOT_ADMIN_TOKEN is not set: manual runs, /api/status and the dashboard are refused",
          fix: "export XBOT_ADMIN_TOKEN=$(openssl rand -base64 24)",
        },
  );
  if (!config.CRON_SECRET && config.VERCEL_ENV) {
    checks.push({ name: "cron secret", status: "warn", detail: "CRON_SECRET is not set: Vercel Cron's GET requests are refused", fix: "set CRON_SECRET in the Vercel project (16+ characters)" });
  }

  progress(ctx, `checking the database (${where.db})…`);
  const db = await within(30_000, "the database", probeDb(clients.sql)).catch((e: unknown) => ({ ok: false, latencyMs: 0, error: { code: "db_unavailable", message: (e as Error).message } }));
  let schemaOk = false;
  if (!db.ok) {
    checks.push({
      name: "db",
      status: "fail",
      detail: `${where.db}: ${db.error?.message ?? "unreachable"}`,
      fix: config.DATABASE_URL
        ? "check DATABASE_URL (host, password, sslmode) and that the database accepts connections"
        : `check that ${config.XBOT_DATA_DIR} is writable and not used by another process`,
    });
  } else {
    checks.push({ name: "db", status: "ok", detail: `${where.db}, ${db.latencyMs} ms` });
    const applied = await appliedVersions(clients.sql).catch(() => new Set<string>());
    const pending = readMigrations()
      .filter((m) => !applied.has(m.version))
      .map((m) => m.version);
    schemaOk = pending.length === 0;
    checks.push(
      schemaOk
        ? { name: "migrations", status: "ok", detail: `${applied.size} applied, none pending` }
        : { name: "migrations", status: "fail", detail: `pending: ${pending.join(", ")}`, fix: "xbot migrate" },
    );
  }

  const state = await within(15_000, "the state store", clients.state.ping()).then(
    () => null,
    (e: unknown) => toXbotError(e).message,
  );
  checks.push(
    state === null
      ? { name: "state", status: "ok", detail: where.state }
      : {
          name: "state",
          status: "fail",
          detail: `${where.state}: ${state}`,
          fix:
            config.stateBackend === "redis"
              ? "check UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN (or unset both to keep state in Postgres)"
              : "the state tables come with the migrations: xbot migrate",
        },
  );

  const accounts = await accountsCheck(config, clients.sql, db.ok && schemaOk);
  if (accounts) checks.push(accounts);
  checks.push(await qstashCheck(config));
  if (db.ok && schemaOk) checks.push(await fanOutCheck(config, clients));
  checks.push(await llmCheck(config, online));
  const xApi = await xApiCheck(config);
  if (xApi) checks.push(xApi);

  progress(ctx, `launching the browser (${where.browser})…`);
  const browser = await browserCheck(config, log);
  checks.push(browser);
  const chromium = await chromiumCheck(config);
  if (chromium) checks.push(chromium);

  if (sandbox && db.ok && schemaOk && !ctx.local) {
    const outcome = await storeSandboxSession({ config, clients, log }, sandbox).catch((e: unknown) => toXbotError(e));
    // A failure to store the sandbox session is a check of its own, never a check that vanishes.
    if (outcome instanceof XbotError)
      checks.push({
        name: "sandbox",
        status: "fail",
        detail: `the sandbox session could not be stored: ${outcome.message}`,
        fix: "see the log above; xbot session import <file> stores a session by hand",
      });
    if (outcome === "unreadable")
      checks.push({
        name: "sandbox",
        status: "fail",
        detail: "the stored X session cannot be decrypted with XBOT_SESSION_KEY (it was left as it is)",
        fix: "set the XBOT_SESSION_KEY it was stored with, or import a session again: xbot session import <file>",
      });
    if (outcome === "kept")
      checks.push({
        name: "sandbox",
        status: "warn",
        detail: "a session of another handle is stored for this account, so the sandbox cannot be used",
        fix: "set XBOT_X_BASE_URL=https://x.com to use that session, or XBOT_ACCOUNT_ID=sandbox for the sandbox",
      });
  }
  checks.push(await sessionCheck(ctx, config, clients, log, { dbOk: db.ok && schemaOk, browserOk: browser.status === "ok" }));
}

async function qstashCheck(config: Config): Promise<Check> {
  const { QSTASH_TOKEN: token, QSTASH_CURRENT_SIGNING_KEY: current, QSTASH_NEXT_SIGNING_KEY: next, QSTASH_URL: url } = config;
  if (!token && !current && !next && !url) return { name: "qstash", status: "skip", detail: "not configured (optional: /api/queue refuses deliveries)" };
  if (!current || !next)
    return {
      name: "qstash",
      status: "fail",
      detail: "signing keys missing: /api/queue refuses every delivery",
      fix: "set QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY (Upstash console > QStash > Signing keys)",
    };
  if (!token)
    return { name: "qstash", status: "warn", detail: "signing keys set but QSTASH_TOKEN is not: deliveries are verified, nothing can be published", fix: "set QSTASH_TOKEN to publish messages" };
  if (!url) return { name: "qstash", status: "ok", detail: "token and signing keys present (QSTASH_URL not set: the default endpoint)" };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return { name: "qstash", status: "ok", detail: `token and signing keys present; ${url} answers (HTTP ${response.status})` };
  } catch (error) {
    return { name: "qstash", status: "fail", detail: `${url} is not reachable: ${(error as Error).message}`, fix: "check QSTASH_URL (or unset it to use the default endpoint)" };
  }
}

async function llmCheck(config: Config, online: boolean): Promise<Check> {
  if (!config.XBOT_LLM_API_KEY) return { name: "llm", status: "ok", detail: "no key: plan uses the evergreen library (set XBOT_LLM_API_KEY to generate posts)" };
  const target = `${config.XBOT_LLM_MODEL}${config.XBOT_LLM_BASE_URL ? ` at ${config.XBOT_LLM_BASE_URL}` : ""}, budget $${config.XBOT_LLM_DAILY_BUDGET_USD}/day`;
  if (!online) return { name: "llm", status: "ok", detail: `key present (${target}); not called (--online makes one tiny call)` };
  try {
    const model = createLlm({ apiKey: config.XBOT_LLM_API_KEY, model: config.XBOT_LLM_MODEL, ...(config.XBOT_LLM_BASE_URL ? { baseURL: config.XBOT_LLM_BASE_URL } : {}) });
    const started = performance.now();
    const result = await generateStructured({
      model,
      schema: z.object({ ok: z.boolean() }),
      name: "ping",
      instructions: "You are a health check. Answer with ok set to true.",
      prompt: "ping",
      maxRetries: 0,
      signal: AbortSignal.timeout(30_000),
    });
    return { name: "llm", status: "ok", detail: `${target}: answered in ${Math.round(performance.now() - started)} ms (${result.usage.inputTokens + result.usage.outputTokens} tokens)` };
  } catch (error) {
    const e = toXbotError(error);
    return {
      name: "llm",
      status: "fail",
      detail: `${target}: ${e.code}: ${e.message.slice(0, 200)}`,
      fix: "check XBOT_LLM_API_KEY, XBOT_LLM_BASE_URL and XBOT_LLM_MODEL (or unset the key to use the evergreen library)",
    };
  }
}

async function browserCheck(config: Config, log: Logger): Promise<Check> {
  const started = performance.now();
  try {
    // try/finally rather than `await using`: dependency-cruiser's swc parser (npm run deps:check) cannot read `using` yet
    const session = await within(
      60_000,
      "the browser",
      openBrowser({
        provider: providerFrom(config),
        ...(config.XBOT_PROXY_URL ? { proxy: parseProxyUrl(config.XBOT_PROXY_URL) } : {}),
        blockResources: config.XBOT_BLOCK_RESOURCES,
        logger: log,
      }),
    );
    try {
      await session.withPage("doctor", (page) => page.goto("about:blank"), { timeoutMs: 20_000 });
      return { name: "browser", status: "ok", detail: `${describeConfig(config).browser} launched in ${Math.round(performance.now() - started)} ms` };
    } finally {
      await session[Symbol.asyncDispose]();
    }
  } catch (error) {
    const e = toXbotError(error);
    return {
      name: "browser",
      status: "fail",
      detail: `${describeConfig(config).browser}: ${e.message.slice(0, 200)}`,
      fix: config.BROWSER_WS_ENDPOINT
        ? "check BROWSER_WS_ENDPOINT (the remote browser must accept CDP connections)"
        : "the chromium line below says whether the bundled Chromium's unpack is broken; otherwise set CHROMIUM_PATH to a local Chromium (apt-get install chromium), or BROWSER_WS_ENDPOINT to a remote browser; the bundled one needs ~200 MB free in the temp dir",
    };
  }
}

async function sessionCheck(ctx: CliContext, config: Config, clients: Clients, log: Logger, ready: { dbOk: boolean; browserOk: boolean }): Promise<Check> {
  const site = xBaseUrlOf(config);
  if (!config.XBOT_SESSION_KEY)
    return {
      name: "session",
      status: "fail",
      detail: "XBOT_SESSION_KEY is not set: no X session can be stored",
      fix: "export XBOT_SESSION_KEY=$(openssl rand -hex 32), then xbot session import <file>",
    };
  if (!ready.dbOk) return { name: "session", status: "skip", detail: "needs the database (see above)" };
  let stored: Awaited<ReturnType<typeof loadSession>>;
  try {
    stored = await loadSession(sessionVault(clients.sql), config.XBOT_ACCOUNT_ID, config.XBOT_SESSION_KEY);
  } catch (error) {
    const e = toXbotError(error);
    return { name: "session", status: "fail", detail: `the stored session cannot be read: ${e.message}`, fix: sessionFix(e, config) };
  }
  if (!stored) return { name: "session", status: "fail", detail: `no X session stored for account ${config.XBOT_ACCOUNT_ID}`, fix: "xbot session import <storage-state.json>" };
  if (!ready.browserOk) return { name: "session", status: "skip", detail: `stored for @${stored.username ?? "?"}; not checked (needs the browser)` };
  progress(ctx, `checking the session against ${site}…`);
  try {
    const { user } = await browserValidator(config, log)(stored.state);
    return { name: "session", status: "ok", detail: `logged in to ${site} as @${user}` };
  } catch (error) {
    const e = toXbotError(error);
    return { name: "session", status: "fail", detail: `stored for @${stored.username ?? "?"} but ${e.code}: ${e.message.slice(0, 160)}`, fix: sessionFix(e, config) };
  }
}

const MARK: Record<Check["status"], string> = { ok: "ok  ", warn: "WARN", fail: "FAIL", skip: "--  " };

function report(ctx: CliContext, checks: Check[]): void {
  const ok = !checks.some((c) => c.status === "fail");
  if (ctx.json) {
    ctx.io.out(toJson({ ok, checks }));
    return;
  }
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const c of checks) {
    ctx.io.out(`${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`);
    if (c.fix) ctx.io.out(`${" ".repeat(width + 8)}fix: ${c.fix}`);
  }
  const failed = checks.filter((c) => c.status === "fail").length;
  ctx.io.out(ok ? "\nall checks passed" : `\n${failed} problem${failed > 1 ? "s" : ""}: see the fix lines`);
}
