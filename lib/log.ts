/**
 * JSON-lines logging. One line per event: `{"t":..., "level":..., "msg":..., ...fields}`.
 * Values under secret-looking keys are replaced with "[redacted]", and known secret
 * strings registered with {@link Logger.redact} never appear anywhere in a line.
 */

/** Severity of a line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Where finished lines go (stdout by default; tests capture them). */
export type LogSink = (line: string) => void;

const SECRET_KEY = /(secret|token|password|passwd|cookie|authorization|api[_-]?key|session|signature|key$)/i;
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A structured logger bound to fixed fields (for example `runId` and `job`). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line, and scrubs `secrets` too (e.g. an account's egress). */
  child(fields: Record<string, unknown>, secrets?: readonly string[]): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level written. Default "info". */
  readonly level?: LogLevel;
  /** Destination. Default: process.stdout. */
  readonly sink?: LogSink;
  /** Literal secret values to scrub from every line (config secrets, cookies). */
  readonly secrets?: readonly string[];
}

/** Creates a JSON-lines logger. */
export function createLogger(options: LoggerOptions = {}, bound: Record<string, unknown> = {}): Logger {
  const min = LEVELS[options.level ?? "info"];
  const sink = options.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (LEVELS[level] < min) return;
    let line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...bound, ...fields }, redactReplacer);
    for (const secret of secrets) line = line.split(secret).join("[redacted]");
    sink(line);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields, more = []) => createLogger(more.length ? { ...options, secrets: [...(options.secrets ?? []), ...more] } : options, { ...bound, ...fields }),
  };
}

function redactReplacer(key: string, value: unknown): unknown {
  if (key && SECRET_KEY.test(key) && value !== null && typeof value !== "boolean" && typeof value !== "number") return "[redacted]";
  if (value instanceof Error) return { name: value.name, message: value.message, ...(value as unknown as Record<string, unknown>) };
  return value;
}

/** A logger that drops everything (benchmarks). */
export const silentLogger: Logger = createLogger({ sink: () => {} });
