/** Output, exit codes and small formatting helpers of the CLI. */

/** Exit codes: 0 ok, 1 failure, 2 usage error, 3 config error. */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Where the CLI writes: stdout for results, stderr for progress and errors. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The process's stdout and stderr. */
export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

/** A mistake in how the command was called (exit 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A failure the CLI explains itself, with an optional fix line (exit 1 unless `code` says otherwise). */
export class CliFailure extends Error {
  override readonly name = "CliFailure";
  constructor(
    message: string,
    readonly fix?: string,
    readonly code: ExitCode = EXIT.failure,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** Left-aligned columns with two spaces between them. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** "3m ago", "in 12s", from a millisecond difference (positive = in the past). */
export function ago(ms: number): string {
  const abs = Math.abs(ms);
  const text =
    abs < 60_000 ? `${Math.round(abs / 1000)}s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)}m` : abs < 172_800_000 ? `${Math.round(abs / 3_600_000)}h` : `${Math.round(abs / 86_400_000)}d`;
  return ms >= 0 ? `${text} ago` : `in ${text}`;
}

/** Cuts a single-line excerpt. */
export function excerpt(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** ISO time without milliseconds. */
export function isoTime(value: Date | string | number | null | undefined): string {
  if (value === null || value === undefined) return "-";
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** JSON with Dates as ISO strings, indented. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
