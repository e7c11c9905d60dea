/**
 * Secrets that never silently rotate: an unusable `.xbot/secrets.json` stops `npm start`
 * with exit code 3 and a message naming the file and the problem, and the file stays byte for
 * byte as it was; a stored X session that the configured key cannot decrypt is reported and
 * left alone, never replaced by the sandbox's session.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureSecrets, readSecrets, SecretsFileError } from "../../lib/dev/secrets.js";
import { storeSandboxSession } from "../../lib/dev/local.js";
import { createSandbox } from "../../lib/dev/sandbox/index.js";
import { createRuntime } from "../../lib/runtime/root.js";
import { envWithoutXbot, runNode } from "../support/node-process.js";
import { testEnv } from "../support/runtime.js";
import { services } from "../support/env.js";

const START = join(process.cwd(), "lib/cli/start.ts");
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "xbot-secrets-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const CORRUPT: [string, string, RegExp][] = [
  ["truncated JSON", '{"XBOT_ADMIN_TOKEN": "abcdefghijklmnopqrstuvwx", "XBOT_SESS', /not valid JSON/],
  ["an empty file", "", /not valid JSON/],
  ["an array", "[1,2]", /not a JSON object/],
  ["a session key of the wrong type", '{"XBOT_ADMIN_TOKEN":"abcdefghijklmnopqrstuvwx","XBOT_SESSION_KEY":5}', /XBOT_SESSION_KEY is not a non-empty string/],
  ["no session key", '{"XBOT_ADMIN_TOKEN":"abcdefghijklmnopqrstuvwx"}', /XBOT_SESSION_KEY is missing/],
];

describe("an unusable secrets.json", () => {
  it.each(CORRUPT)("%s: ensureSecrets throws SecretsFileError naming the file, and writes nothing", (_name, text, problem) => {
    const dir = tempDir();
    const path = join(dir, "secrets.json");
    writeFileSync(path, text, { mode: 0o600 });
    expect(() => ensureSecrets(dir)).toThrow(SecretsFileError);
    expect(() => readSecrets(dir)).toThrow(problem);
    try {
      ensureSecrets(dir);
    } catch (error) {
      expect((error as Error).message).toContain(path);
      if (text.length > 0) expect((error as Error).message).not.toContain(text.slice(0, 20));
    }
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it("a missing file is generated; a good one is read as it is", () => {
    const dir = tempDir();
    const first = ensureSecrets(dir);
    expect(first.generated).toEqual(["XBOT_ADMIN_TOKEN", "XBOT_SESSION_KEY", "sandboxAuthToken", "sandboxApiKey", "sandboxApiSecret", "sandboxAccessToken", "sandboxAccessSecret"]);
    const again = ensureSecrets(dir);
    expect(again.generated).toEqual([]);
    expect(again.secrets).toEqual(first.secrets);
  });

  it("stops `npm start` with exit code 3 and a clear message; the file is untouched byte for byte", { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const path = join(dir, "secrets.json");
    const bytes = Buffer.from('{"XBOT_ADMIN_TOKEN": "abcdefghijklmnopqrstuvwx",\n "XBOT_SESSION_KEY": "00ff\u00e9', "utf8");
    writeFileSync(path, bytes, { mode: 0o600 });
    const result = await runNode(["--import", "tsx", START, "--once"], { env: { ...envWithoutXbot(), XBOT_DATA_DIR: dir }, timeoutMs: 50_000, label: "npm start --once (corrupt secrets)" });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(`${path} cannot be used: it is not valid JSON`);
    expect(result.stderr).toContain("will not replace it");
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });
});

describe.skipIf(!services().postgres)("a stored session the configured key cannot decrypt", () => {
  it("is reported (unreadable, an error log line) and left as it is, never replaced by the sandbox session", { timeout: 60_000 }, async () => {
    const sandbox = await createSandbox();
    try {
      const env = await testEnv("postgres", { XBOT_SESSION_KEY: randomBytes(32).toString("hex") });
      const logs: string[] = [];
      const first = await createRuntime({ env, logSink: (l) => logs.push(l) });
      expect(await storeSandboxSession(first, sandbox)).toBe("imported");
      const blob = async () => (await first.clients.sql.query<{ blob: string }>("SELECT blob FROM x_sessions WHERE account_id = $1", [first.config.XBOT_ACCOUNT_ID]))[0]?.blob;
      const before = await blob();
      const rotated = await createRuntime({ env: { ...env, XBOT_SESSION_KEY: randomBytes(32).toString("hex") }, logSink: (l) => logs.push(l) });
      expect(await storeSandboxSession(rotated, sandbox)).toBe("unreadable");
      expect(await blob()).toBe(before);
      expect(logs.some((l) => l.includes('"level":"error"') && l.includes("cannot be decrypted with XBOT_SESSION_KEY"))).toBe(true);
    } finally {
      await sandbox.close();
    }
  });
});
