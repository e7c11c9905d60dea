/**
 * The end-of-run "no secrets in logs" scanner (tests/support/log-capture.ts) must be able
 * to FAIL: a planted secret is found, reported by kind and line count, and never printed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createLogger } from "../../lib/log.js";
import { captureLogLine, describeScan, parseSecrets, scanLines, scanLogFiles } from "../support/log-capture.js";

const dir = mkdtempSync(join(tmpdir(), "xbot-logscan-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLANTED = "planted-secret-9f8e7d6c5b4a";
const secrets = [
  { kind: "PLANTED_TOKEN", value: PLANTED },
  { kind: "OTHER_KEY", value: "other-key-0011223344" },
];

describe("log secret scanner", () => {
  it("finds a planted secret, counts its lines, and names only its kind", () => {
    const lines = [
      JSON.stringify({ level: "info", msg: "fine" }),
      JSON.stringify({ level: "error", msg: `bearer ${PLANTED} rejected` }),
      `plain text with ${PLANTED} in it`,
      JSON.stringify({ level: "info", msg: "also fine" }),
    ];
    const report = scanLines(lines, secrets);
    expect(report).toEqual({ lines: 4, secrets: 2, leaks: [{ kind: "PLANTED_TOKEN", lines: 2 }] });
    const verdict = describeScan(report);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.error.message).toContain("PLANTED_TOKEN in 2 lines");
    expect(verdict.error.message).not.toContain(PLANTED);
  });

  it("finds a secret that only appears JSON-escaped inside a line", () => {
    const tricky = 'quote"and\\slash-secret';
    const line = JSON.stringify({ msg: `leaked ${tricky}` });
    expect(line.includes(tricky)).toBe(false);
    expect(scanLines([line], [{ kind: "TRICKY", value: tricky }]).leaks).toEqual([{ kind: "TRICKY", lines: 1 }]);
  });

  it("is clean when no secret appears, and prints the one-line summary", () => {
    const report = scanLines([JSON.stringify({ msg: "[redacted]" }), "nothing here"], secrets);
    expect(report.leaks).toEqual([]);
    expect(describeScan(report)).toEqual({ ok: true, summary: "[xbot tests] scanned 2 log lines for 2 secrets: clean" });
  });

  it("ignores values shorter than 8 characters and repeated values", () => {
    const text = [JSON.stringify({ kind: "SHORT", value: "abc1234" }), JSON.stringify({ kind: "A", value: "long-enough-value" }), JSON.stringify({ kind: "B", value: "long-enough-value" }), ""].join(
      "\n",
    );
    expect(parseSecrets(text)).toEqual([{ kind: "A", value: "long-enough-value" }]);
  });

  it("scans files the way the global teardown does", () => {
    const logFile = join(dir, "logs.jsonl");
    const secretsFile = join(dir, "secrets.jsonl");
    writeFileSync(secretsFile, `${secrets.map((s) => JSON.stringify(s)).join("\n")}\n`);
    writeFileSync(logFile, `${JSON.stringify({ msg: "ok" })}\n${JSON.stringify({ msg: "x", other: "other-key-0011223344" })}\n`);
    expect(scanLogFiles(logFile, secretsFile)).toEqual({ lines: 2, secrets: 2, leaks: [{ kind: "OTHER_KEY", lines: 1 }] });
    expect(scanLogFiles(join(dir, "missing.jsonl"), secretsFile)).toEqual({ lines: 0, secrets: 2, leaks: [] });
  });

  it("the logger's own redaction keeps a registered secret out of a line, so the scan stays clean", () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), secrets: [PLANTED] });
    log.info(`token is ${PLANTED}`, { token: PLANTED, nested: { note: `x${PLANTED}x` } });
    expect(scanLines(lines, secrets).leaks).toEqual([]);
    // Without the logger's secret list only key-based redaction applies: the scan catches the rest.
    const leaky: string[] = [];
    createLogger({ sink: (l) => leaky.push(l) }).info(`token is ${PLANTED}`);
    expect(scanLines(leaky, secrets).leaks).toEqual([{ kind: "PLANTED_TOKEN", lines: 1 }]);
  });

  it("the run-wide capture file is provided to workers and receives lines", () => {
    const logFile = inject("logFile");
    expect(logFile).toMatch(/logs\.jsonl$/);
    const marker = `log-scan-marker-${process.pid}-${Date.now()}`;
    captureLogLine(JSON.stringify({ msg: marker }));
    expect(readFileSync(logFile, "utf8")).toContain(marker);
    expect(inject("secretsFile")).toMatch(/secrets\.jsonl$/);
  });
});
