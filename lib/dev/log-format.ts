/**
 * Log lines for a person at a terminal: `14:02:11 info  run finished job=heal status=ok`.
 * The JSON-lines logger has already redacted secrets; this only re-formats its lines.
 */
import type { LogSink } from "../log.js";

const COLORS: Record<string, string> = { debug: "\x1b[2m", info: "", warn: "\x1b[33m", error: "\x1b[31m" };

/** Formats one JSON log line; lines that are not JSON pass through. */
export function formatLogLine(line: string, color = false): string {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { t, level, msg, ...fields } = parsed;
  const time = typeof t === "string" ? t.slice(11, 19) : "";
  const lvl = String(level ?? "info");
  const rest = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  const text = `${time} ${lvl.padEnd(5)} ${String(msg ?? "")}${rest ? ` ${rest}` : ""}`;
  return color && COLORS[lvl] ? `${COLORS[lvl]}${text}\x1b[0m` : text;
}

/** A sink that writes formatted lines to `write`. */
export function prettySink(write: (line: string) => void, color = true): LogSink {
  return (line) => write(formatLogLine(line, color));
}
