/** `xbot session import <file>` and `xbot session check`. */
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { openBrowser, parseProxyUrl, type StorageState } from "../browser/index.js";
import { accountScope, type Config } from "../config.js";
import { ACCOUNT_ID } from "../db/accounts.js";
import { sessionVault } from "../db/x-sessions.js";
import { scopeToAccount } from "../runtime/account-scope.js";
import type { RuntimeDeps } from "../runtime/runner.js";
import { breakerFor } from "../state/keys.js";
import { toXbotError, type XbotError } from "../errors.js";
import type { Logger } from "../log.js";
import { providerFrom } from "../runtime/browser-launch.js";
import { xBaseUrlOf } from "../jobs/mode.js";
import { importSession, loadSession, validateWithBrowser, type SessionValidator } from "../x/session-store.js";
import { resumeAfterImport, type ResumeDecision } from "../jobs/session-resume.js";
import { progress, withRuntime, type CliContext } from "./context.js";
import { CliFailure, EXIT, isoTime, toJson, UsageError, type ExitCode } from "./io.js";

/** A validator that opens the configured browser from a state and checks /home of the configured site. */
export function browserValidator(config: Config, log: Logger): SessionValidator {
  const site = { baseUrl: xBaseUrlOf(config), user: config.XBOT_X_USER ?? "", typing: "fill" as const, logger: log, waitMs: 15_000 };
  return validateWithBrowser(
    (state) =>
      openBrowser({
        provider: providerFrom(config),
        ...(config.XBOT_PROXY_URL ? { proxy: parseProxyUrl(config.XBOT_PROXY_URL) } : {}),
        blockResources: config.XBOT_BLOCK_RESOURCES,
        storageState: state,
        logger: log,
      }),
    site,
  );
}

/** The fix line for a failed session check or import. */
export function sessionFix(error: XbotError, config: Config): string {
  const site = xBaseUrlOf(config);
  switch (error.code) {
    case "session_expired":
    case "x_login_wall":
      return `log in to ${site} in a normal browser, export the cookies (storage state JSON) and run: xbot session import <file>${config.XBOT_X_BASE_URL ? "" : "  (the site is the real x.com: set XBOT_X_BASE_URL to use another)"}`;
    case "x_challenge":
      return `open ${site} in a normal browser with this account, solve the challenge, then export the cookies again and run: xbot session import <file>`;
    case "browser_launch":
      return "the browser did not start: run `xbot doctor`, or set CHROMIUM_PATH to a local Chromium or BROWSER_WS_ENDPOINT to a remote one";
    case "config_invalid":
      return "XBOT_SESSION_KEY is not the key the session was stored with: restore the old key, or import the session again";
    case "page_timeout":
    case "page_unexpected":
      return `${site} did not answer as expected: check the network (or XBOT_PROXY_URL) and try again`;
    default:
      return "see the message above; `xbot doctor` checks every dependency";
  }
}

/** Reads a storage state file: Playwright's `{cookies, origins}` or a bare cookie array (browser extensions export those). */
export async function readStateFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Never the parser's message: it quotes the file's first bytes (e.g. /etc/passwd through /__xbot/cli).
    throw new UsageError(
      `${path} is not JSON (${text.length === 0 ? "it is empty" : `${Buffer.byteLength(text)} bytes`}): a storage state is Playwright's {"cookies": [...], "origins": [...]} or a cookie array`,
    );
  }
  if (!Array.isArray(value)) return value;
  return {
    cookies: value.map((c: Record<string, unknown>) => ({
      ...c,
      expires: typeof c.expires === "number" ? c.expires : typeof c.expirationDate === "number" ? c.expirationDate : -1,
    })),
    origins: [],
  };
}

function requireKey(config: Config): string {
  if (!config.XBOT_SESSION_KEY) {
    throw new CliFailure("XBOT_SESSION_KEY is not set", "export XBOT_SESSION_KEY=$(openssl rand -hex 32)  (keep it: the stored session can only be read with it)", EXIT.config);
  }
  return config.XBOT_SESSION_KEY;
}

/** `xbot session import <file>` */
export async function sessionImportCommand(ctx: CliContext, file: string | undefined, account?: string): Promise<ExitCode> {
  if (!file) throw new UsageError("usage: xbot session import <storage-state.json> [--account ID]");
  if (account !== undefined && !ACCOUNT_ID.test(account)) throw new UsageError(`--account must be an account id (xbot account list), got "${account.slice(0, 40)}"`);
  const path = isAbsolute(file) ? file : resolve(ctx.cwd, file);
  const state = await readStateFile(path);
  return withRuntime(ctx, true, async (local) => {
    // The account's own config (its handle, X site, egress): the session is validated as it will be used.
    const { deps } = await scoped(local.deps, account);
    const config = deps.config;
    const key = requireKey(config);
    progress(ctx, `validating the session in a browser against ${xBaseUrlOf(config)}…`);
    try {
      const imported = await importSession(sessionVault(deps.clients.sql), { accountId: config.XBOT_ACCOUNT_ID, key, state, validate: browserValidator(config, deps.log), logger: deps.log });
      const breaker = await resumeAfterImport(deps.clients.sql, deps.clients.state, config.XBOT_ACCOUNT_ID, Date.now(), breakerFor("x", accountScope(config)));
      if (ctx.json) ctx.io.out(toJson({ ok: true, accountId: config.XBOT_ACCOUNT_ID, ...imported, validatedAt: isoTime(imported.validatedAt), breaker }));
      else {
        ctx.io.out(`stored the session of @${imported.username} (${imported.cookieCount} cookies) for account ${config.XBOT_ACCOUNT_ID}, encrypted; validated ${isoTime(imported.validatedAt)}`);
        const note = breakerNote(breaker);
        if (note) ctx.io.out(note);
      }
      return EXIT.ok;
    } catch (error) {
      const e = toXbotError(error);
      if (e.code === "validation") throw new UsageError(`${path}: ${e.message}`);
      throw new CliFailure(`session not stored: ${e.code}: ${e.message}`, sessionFix(e, config), EXIT.failure, { code: e.code });
    }
  });
}

/** The deps of `account` (its settings over the env's); `not_found` is a usage error naming it. */
async function scoped(deps: RuntimeDeps, account: string | undefined): Promise<{ deps: RuntimeDeps }> {
  try {
    return await scopeToAccount(deps, account);
  } catch (error) {
    if (toXbotError(error).code === "not_found") throw new UsageError(`${(error as Error).message}; add it first: xbot account add ${account} --handle <handle>`);
    throw error;
  }
}

/** What the import did to the x breaker, in one line; null when it was closed. */
function breakerNote(decision: ResumeDecision): string | null {
  if (decision.resumed) return `the x breaker was open because of ${decision.cause}: closed it, X actions resume with the next run`;
  if (decision.phase === "closed") return null;
  if (decision.phase === "isolated") return "the x breaker is isolated by hand: run `xbot breaker reset x` when X actions should resume";
  const until = decision.retryAtMs ? ` until ${isoTime(new Date(decision.retryAtMs))}` : "";
  return `the x breaker stays ${decision.phase}${until}${decision.cause ? ` (last X failure: ${decision.cause}, X's own push-back, so the cool-down protects the account)` : ""}; \`xbot breaker reset x\` overrides it`;
}

/** `xbot session check`: the stored session still logs in. */
export async function sessionCheckCommand(ctx: CliContext, account?: string): Promise<ExitCode> {
  if (account !== undefined && !ACCOUNT_ID.test(account)) throw new UsageError(`--account must be an account id (xbot account list), got "${account.slice(0, 40)}"`);
  return withRuntime(ctx, true, async (local) => {
    const { deps } = await scoped(local.deps, account);
    const config = deps.config;
    const key = requireKey(config);
    let stored: { state: StorageState; username: string | null; validatedAt: Date | null } | null;
    try {
      stored = await loadSession(sessionVault(deps.clients.sql), config.XBOT_ACCOUNT_ID, key);
    } catch (error) {
      const e = toXbotError(error);
      throw new CliFailure(`the stored session cannot be read: ${e.message}`, sessionFix(e, config), e.code === "config_invalid" ? EXIT.config : EXIT.failure);
    }
    if (!stored) throw new CliFailure(`no X session is stored for account ${config.XBOT_ACCOUNT_ID}`, "xbot session import <storage-state.json>");
    progress(ctx, `checking the session of @${stored.username ?? "?"} in a browser against ${xBaseUrlOf(config)}…`);
    try {
      const { user } = await browserValidator(config, deps.log)(stored.state);
      if (ctx.json) ctx.io.out(toJson({ ok: true, accountId: config.XBOT_ACCOUNT_ID, user, storedAs: stored.username, validatedAt: stored.validatedAt ? isoTime(stored.validatedAt) : null }));
      else ctx.io.out(`the session is logged in as @${user} (stored for account ${config.XBOT_ACCOUNT_ID}, last validated ${isoTime(stored.validatedAt)})`);
      return EXIT.ok;
    } catch (error) {
      const e = toXbotError(error);
      throw new CliFailure(`the stored session does not log in: ${e.code}: ${e.message}`, sessionFix(e, config), EXIT.failure, { code: e.code });
    }
  });
}
