/**
 * The bundled Chromium heals its own install (lib/browser/chromium-install.ts), each case in
 * a private TMPDIR and through separate processes, as invocations would be:
 * - a truncated binary (an unpack killed half way) is removed and unpacked again, once, the
 *   browser job succeeds, and `xbot doctor` names the repair;
 * - two processes starting on one empty TMPDIR at the same moment both launch (one unpacks
 *   under the lock, the other waits and uses it).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chromiumDir, type ChromiumStamp } from "../../lib/browser/chromium-install.js";
import { runChild, runWave } from "../support/child.js";
import { createTestDatabase, services } from "../support/env.js";
import { runNode } from "../support/node-process.js";
import { testRuntime } from "../support/runtime.js";

const svc = services();
const dirs: string[] = [];
const privateTmp = () => {
  const dir = mkdtempSync(join(tmpdir(), "xbot-heal-"));
  dirs.push(dir);
  return dir;
};
const stampIn = (tmp: string) => JSON.parse(readFileSync(join(chromiumDir(tmp), "chromium.stamp.json"), "utf8")) as ChromiumStamp;

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!svc.postgres)("a Chromium install that heals itself", () => {
  it("a truncated binary is unpacked again once, the browser job succeeds, and doctor reports the repair", { timeout: 240_000 }, async () => {
    const rt = await testRuntime("postgres");
    const tmp = privateTmp();
    const first = await runChild(rt.env, "browser-page", {}, 0, "", "", "", "", { TMPDIR: tmp }).result;
    expect(first).toMatchObject({ status: "ok", summary: { text: "rendered", provider: "sparticuz" } });
    const fresh = stampIn(tmp);
    expect(fresh.repaired).toBeUndefined(); // a first unpack is not a repair

    const binary = join(chromiumDir(tmp), "chromium");
    const cut = 30 * 1024 * 1024;
    truncateSync(binary, cut); // what a process killed mid-unpack leaves behind
    const healed = await runChild(rt.env, "browser-page", {}, 0, "", "", "", "", { TMPDIR: tmp }).result;
    expect(healed).toMatchObject({ status: "ok", summary: { text: "rendered" } });
    const after = stampIn(tmp);
    expect(after.repaired?.reason).toBe(`truncated: ${cut} of ${fresh.size} bytes`);
    expect(after.sha256).toBe(fresh.sha256);
    expect(statSync(binary).size).toBe(fresh.size);
    expect(readdirSync(chromiumDir(tmp)).filter((f) => f.includes("partial") || f === ".lock")).toEqual([]);

    // Launching again does not unpack again: the repaired install verifies.
    expect(await runChild(rt.env, "browser-page", {}, 0, "", "", "", "", { TMPDIR: tmp }).result).toMatchObject({ status: "ok" });
    expect(stampIn(tmp).unpackedAt).toBe(after.unpackedAt);

    const env = { DATABASE_URL: await createTestDatabase("heal"), XBOT_NEON_HTTP_URL: svc.postgres!.neonHttpUrl, XBOT_STATE: "postgres", XBOT_DATA_DIR: privateTmp(), TMPDIR: tmp };
    const doctor = await runNode(["bin/xbot.mjs", "doctor", "--json"], { env, timeoutMs: 120_000, label: "xbot doctor" });
    const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; status: string; detail: string; fix?: string }[] }).checks;
    const line = checks.find((c) => c.name === "chromium");
    expect(line, doctor.stdout + doctor.stderr).toMatchObject({ status: "warn" });
    expect(line!.detail).toContain(`the unpacked binary was truncated: ${cut} of ${fresh.size} bytes; it was removed and unpacked again`);
    expect(line!.fix).toContain("killed while it unpacks Chromium");
    expect(checks.find((c) => c.name === "browser")).toMatchObject({ status: "ok" });
  });

  it("two processes unpacking into one empty TMPDIR at once both launch", { timeout: 240_000 }, async () => {
    const rt = await testRuntime("postgres", { env: { XBOT_BROWSER_SLOTS: "2" } });
    const tmp = privateTmp();
    const results = await runWave(2, (i, barrier) => runChild(rt.env, ["browser-page", "browser-page-2"][i]!, {}, 0, barrier, "", "", "", { TMPDIR: tmp }));
    expect(results).toMatchObject([
      { status: "ok", summary: { text: "rendered" } },
      { status: "ok", summary: { text: "rendered" } },
    ]);
    const stamp = stampIn(tmp);
    expect(stamp.repaired).toBeUndefined(); // neither saw the other's unfinished unpack as broken
    expect(statSync(join(chromiumDir(tmp), "chromium")).size).toBe(stamp.size);
    expect(readdirSync(chromiumDir(tmp)).filter((f) => f.includes("partial") || f === ".lock")).toEqual([]);
  });
});
