/**
 * "No secrets in logs" for the WHOLE test run.
 *
 * Every log line a test runtime writes is appended to one run-wide file, and every secret
 * value a test hands to a runtime (tokens, signing keys, sandbox cookies) is appended to a
 * second file. Both paths come from the global setup (`project.provide`), so worker
 * processes write to the same files. At teardown the global setup calls
 * {@link scanLogFiles} and fails the run if any secret appears in any captured line,
 * reporting the secret's KIND and the number of lines, never the value.
 *
 *   captureLogLine(line)                 // from a logSink (tests/support/runtime.ts does it)
 *   registerSecret("CRON_SECRET", value) // values shorter than 8 characters are ignored
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Run-wide file of captured log lines (one per line). */
    logFile: string;
    /** Run-wide file of known secret values (JSON lines: {kind, value}). */
    secretsFile: string;
  }
}

/** Secrets shorter than this are not tracked (they would match by accident). */
export const MIN_SECRET_LENGTH = 8;

/** A known secret: what kind it is (printable) and its value (never printed). */
export interface KnownSecret {
  readonly kind: string;
  readonly value: string;
}

/** One kind of secret found in the log lines. */
export interface SecretLeak {
  readonly kind: string;
  /** How many captured lines contain it. */
  readonly lines: number;
}

/** What a scan found. */
export interface ScanReport {
  readonly lines: number;
  readonly secrets: number;
  readonly leaks: readonly SecretLeak[];
}

function provided(key: "logFile" | "secretsFile"): string | undefined {
  try {
    return inject(key) || undefined;
  } catch {
    return undefined; // not inside a vitest worker (e.g. a child process or a benchmark)
  }
}

/** Appends one log line to the run-wide capture file (no-op outside a vitest run). */
export function captureLogLine(line: string): void {
  const file = provided("logFile");
  if (!file) return;
  // One appendFileSync per line: O_APPEND keeps lines from parallel workers whole.
  appendFileSync(file, `${line.replace(/\r?\n/g, "\\n")}\n`);
}

const registered = new Set<string>();

/** Records a known secret value for the end-of-run scan. Ignores values shorter than 8. */
export function registerSecret(kind: string, value: string | undefined | null): void {
  if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return;
  const key = `${kind}\u0000${value}`;
  if (registered.has(key)) return;
  const file = provided("secretsFile");
  if (!file) return;
  registered.add(key);
  appendFileSync(file, `${JSON.stringify({ kind, value })}\n`);
}

/** Parses a secrets file (JSON lines), dropping short values and repeated values (the first kind wins). */
export function parseSecrets(text: string): KnownSecret[] {
  const seen = new Set<string>();
  const out: KnownSecret[] = [];
  for (const raw of text.split("\n")) {
    if (!raw.trim()) continue;
    const parsed = JSON.parse(raw) as Partial<KnownSecret>;
    if (typeof parsed.kind !== "string" || typeof parsed.value !== "string" || parsed.value.length < MIN_SECRET_LENGTH) continue;
    if (seen.has(parsed.value)) continue;
    seen.add(parsed.value);
    out.push({ kind: parsed.kind, value: parsed.value });
  }
  return out;
}

/**
 * Looks for every secret in every line. Also checks the JSON-escaped form of each value
 * (a secret with quotes or backslashes appears escaped inside a JSON log line).
 */
export function scanLines(lines: readonly string[], secrets: readonly KnownSecret[]): ScanReport {
  const counts = new Map<string, number>();
  const needles = secrets.map((s) => ({ kind: s.kind, forms: [...new Set([s.value, JSON.stringify(s.value).slice(1, -1)])] }));
  for (const line of lines) {
    const kinds = new Set<string>();
    for (const n of needles) if (n.forms.some((f) => line.includes(f))) kinds.add(n.kind);
    for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const leaks = [...counts].map(([kind, n]) => ({ kind, lines: n })).sort((a, b) => a.kind.localeCompare(b.kind));
  return { lines: lines.length, secrets: secrets.length, leaks };
}

/** Reads the capture files and scans them (missing files count as empty). */
export function scanLogFiles(logFile: string, secretsFile: string): ScanReport {
  const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "");
  const lines = read(logFile)
    .split("\n")
    .filter((l) => l.length > 0);
  return scanLines(lines, parseSecrets(read(secretsFile)));
}

/** The one-line summary, or an Error naming each leaking kind and its line count (never values). */
export function describeScan(report: ScanReport): { ok: true; summary: string } | { ok: false; error: Error } {
  const head = `[xbot tests] scanned ${report.lines} log lines for ${report.secrets} secrets`;
  if (report.leaks.length === 0) return { ok: true, summary: `${head}: clean` };
  const detail = report.leaks.map((l) => `${l.kind} in ${l.lines} line${l.lines === 1 ? "" : "s"}`).join(", ");
  return { ok: false, error: new Error(`${head}: SECRETS LEAKED INTO LOGS: ${detail}`) };
}
