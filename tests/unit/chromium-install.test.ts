/**
 * The unpack logic of lib/browser/chromium-install.ts on a small stand-in for chromium.br
 * (the real binary is exercised by tests/e2e/chromium-heal.test.ts), and the lock's takeover
 * of a lock whose owner died.
 */
import { brotliCompressSync } from "node:zlib";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkChromium, ensureChromium } from "../../lib/browser/chromium-install.js";
import { withFileLock } from "../../lib/browser/file-lock.js";

const root = mkdtempSync(join(tmpdir(), "xbot-install-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function pack(name: string, bytes: Buffer): string {
  const binDir = join(root, name, "bin");
  mkdirSync(binDir, { recursive: true });
  writeFileSync(join(binDir, "chromium.br"), brotliCompressSync(bytes));
  return binDir;
}

describe("chromium install", () => {
  it("unpacks once, repairs a truncated binary once (naming it), and re-unpacks for another package version", async () => {
    const content = randomBytes(300_000);
    const binDir = pack("a", content);
    const dir = join(root, "a", "out");
    const repairs: string[] = [];
    const onRepair = (reason: string) => repairs.push(reason);
    expect(await checkChromium(binDir, dir)).toEqual({ ok: false, reason: "not unpacked yet", present: false });
    const path = await ensureChromium(binDir, { dir, onRepair });
    expect(readFileSync(path).equals(content)).toBe(true);
    expect(repairs).toEqual([]);
    expect(await checkChromium(binDir, dir, { deep: true })).toMatchObject({ ok: true, stamp: { size: content.length } });

    truncateSync(path, 1000);
    expect(await checkChromium(binDir, dir)).toMatchObject({ ok: false, reason: `truncated: 1000 of ${content.length} bytes` });
    await ensureChromium(binDir, { dir, onRepair });
    expect(readFileSync(path).equals(content)).toBe(true);
    expect(repairs).toEqual([`truncated: 1000 of ${content.length} bytes`]);
    await ensureChromium(binDir, { dir, onRepair });
    expect(repairs).toHaveLength(1); // a verified install is not touched again

    writeFileSync(path, Buffer.alloc(content.length)); // same size, other bytes: only the deep check sees it
    expect((await checkChromium(binDir, dir)).ok).toBe(true);
    expect(await checkChromium(binDir, dir, { deep: true })).toMatchObject({ ok: false, reason: "contents differ from the unpacked hash" });

    utimesSync(join(binDir, "chromium.br"), new Date(), new Date(Date.now() + 5_000));
    expect(await checkChromium(binDir, dir)).toMatchObject({ ok: false, reason: "unpacked from another @sparticuz/chromium version" });
  });

  it("a binary without a stamp (an unpack that never finished) is replaced", async () => {
    const content = randomBytes(50_000);
    const binDir = pack("b", content);
    const dir = join(root, "b", "out");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "chromium"), content.subarray(0, 10_000));
    const repairs: string[] = [];
    const path = await ensureChromium(binDir, { dir, onRepair: (r) => repairs.push(r) });
    expect(readFileSync(path).equals(content)).toBe(true);
    expect(repairs).toEqual(["no stamp: an unpack that never finished"]);
    expect(JSON.parse(readFileSync(join(dir, "chromium.stamp.json"), "utf8"))).toMatchObject({ repaired: { reason: "no stamp: an unpack that never finished" } });
  });

  it("a lock left by a process that died is taken over; a live owner is waited for", async () => {
    const lock = join(root, "held.lock");
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, at: new Date().toISOString() })); // no such pid
    expect(await withFileLock(lock, async () => "ran", 2_000)).toBe("ran");
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, at: new Date().toISOString() })); // alive
    await expect(withFileLock(lock, async () => "ran", 300)).rejects.toThrow(/timed out after 300 ms waiting for the lock/);
    rmSync(lock, { force: true });
  });
});
