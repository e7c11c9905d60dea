/**
 * How a CLI command gets a runtime. Inside the local server (commands sent to it) it is the
 * server's own runtime. Otherwise the CLI builds one for the command and closes it after:
 *   - with no DATABASE_URL (the embedded local setup) the admin token and session key come
 *     from XBOT_DATA_DIR/secrets.json like `npm start`, and with no XBOT_X_BASE_URL either,
 *     commands that act on X run against a sandbox started for the command;
 *   - with DATABASE_URL everything comes from the environment, and no XBOT_X_BASE_URL means
 *     the real x.com, as on the deployment that uses that database.
 */
import { loadConfig, type Config } from "../config.js";
import { openLocal, type LocalRuntime } from "../dev/local.js";
import type { CliIo } from "./io.js";

/** What every command receives. */
export interface CliContext {
  readonly env: Record<string, string | undefined>;
  readonly io: CliIo;
  readonly json: boolean;
  readonly verbose: boolean;
  /** Resolves a path argument (relative to the caller's working directory). */
  readonly cwd: string;
  /** Set when the command runs inside the local server. */
  readonly local?: LocalRuntime;
}

/** Progress on stderr (never mixed into results). */
export function progress(ctx: CliContext, text: string): void {
  if (!ctx.local) ctx.io.err(text);
}

/** Whether a config is the embedded local setup (no external database). */
export function isEmbedded(config: Pick<Config, "DATABASE_URL">): boolean {
  return !config.DATABASE_URL;
}

/** Runs `fn` with a runtime; `needsX` starts the sandbox when the embedded setup has no X site. */
export async function withRuntime<T>(ctx: CliContext, needsX: boolean, fn: (local: LocalRuntime) => Promise<T>): Promise<T> {
  if (ctx.local) return fn(ctx.local);
  const base = loadConfig(ctx.env);
  const embedded = isEmbedded(base);
  const sandbox = needsX && embedded && !base.XBOT_X_BASE_URL;
  progress(ctx, embedded ? "opening the embedded database…" : "connecting to the database…");
  const local = await openLocal({
    env: ctx.env,
    sandbox,
    sandboxPort: 0,
    localSecrets: embedded,
    logSink: logSinkFor(ctx),
  });
  if (sandbox) progress(ctx, `sandbox X site at ${local.sandbox?.url} (started for this command)`);
  if (local.sandboxSession === "kept") progress(ctx, "warning: a session of another handle is stored for this account; the sandbox cannot use it");
  if (local.sandboxSession === "unreadable")
    progress(ctx, "warning: the stored X session cannot be decrypted with XBOT_SESSION_KEY; it was left as it is (set the key it was stored with, or import a session again)");
  try {
    return await fn(local);
  } finally {
    await local.close();
  }
}

/** Runtime log lines: warnings and errors on stderr, everything with --verbose. */
export function logSinkFor(ctx: Pick<CliContext, "io" | "verbose">): (line: string) => void {
  return (line) => {
    let level = "info";
    let msg = line;
    let rest: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      level = String(parsed.level ?? "info");
      msg = String(parsed.msg ?? "");
      const { t: _t, level: _l, msg: _m, ...fields } = parsed;
      rest = fields;
    } catch {
      // not JSON: print as is
    }
    if (!ctx.verbose && level !== "warn" && level !== "error") return;
    const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
    ctx.io.err(`[${level}] ${msg}${fields}`);
  };
}
