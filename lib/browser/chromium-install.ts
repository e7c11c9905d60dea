/**
 * The bundled Chromium (@sparticuz/chromium's brotli files), unpacked so that an interrupted
 * unpack heals itself. @sparticuz/chromium's own executablePath() returns any file at
 * $TMPDIR/chromium without checking it, so one killed unpack broke every later launch. Here:
 * - the binary is inflated to a unique temporary name, fsynced and renamed into place
 *   (atomic), and only then is a stamp written: the size and SHA-256 of the inflated file and
 *   the identity (size, mtime) of the .br it came from;
 * - before every launch the binary's size is checked against its stamp (a stat, no hashing);
 *   a missing stamp, another source or another size means a broken unpack: it is removed and
 *   unpacked again, once, under a cross-process lock (file-lock.ts), and the stamp records
 *   the repair for `xbot doctor`;
 * - where @sparticuz/chromium set up its Amazon Linux 2023 libraries (Vercel, Lambda: it
 *   points LD_LIBRARY_PATH at $TMPDIR/al2023/lib on import), al2023.tar.br and fonts.tar.br
 *   are extracted the same way (temporary directory, then rename);
 * - swiftshader (software WebGL) is never unpacked: xbot launches with graphics off
 *   (`--disable-webgl`), so deployments need not carry swiftshader.tar.br.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transform, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createBrotliDecompress } from "node:zlib";
import { withFileLock } from "./file-lock.js";

/** What a complete unpack leaves next to the binary. */
export interface ChromiumStamp {
  readonly source: { readonly size: number; readonly mtimeMs: number };
  readonly size: number;
  readonly sha256: string;
  readonly unpackedAt: string;
  /** Set when this unpack replaced a broken one. */
  readonly repaired?: { readonly at: string; readonly reason: string };
}

/** The verdict on an unpacked binary. */
export type ChromiumCheck = { readonly ok: true; readonly stamp: ChromiumStamp } | { readonly ok: false; readonly reason: string; readonly present: boolean };

/** Where the unpacked browser lives: `dir`/chromium and its stamp. */
export function chromiumDir(root: string = tmpdir()): string {
  return join(root, "xbot-chromium");
}

const binaryOf = (dir: string) => join(dir, "chromium");
const stampOf = (dir: string) => join(dir, "chromium.stamp.json");

/** Checks the unpacked binary against its stamp; `deep` also re-hashes it (doctor). */
export async function checkChromium(binDir: string, dir: string = chromiumDir(), options: { deep?: boolean } = {}): Promise<ChromiumCheck> {
  const binary = binaryOf(dir);
  if (!existsSync(binary)) return { ok: false, reason: "not unpacked yet", present: false };
  const stamp = readStamp(dir);
  if (!stamp) return { ok: false, reason: "no stamp: an unpack that never finished", present: true };
  const source = statSync(join(binDir, "chromium.br"));
  if (stamp.source.size !== source.size || stamp.source.mtimeMs !== source.mtimeMs) return { ok: false, reason: "unpacked from another @sparticuz/chromium version", present: true };
  const size = statSync(binary).size;
  if (size !== stamp.size) return { ok: false, reason: `truncated: ${size} of ${stamp.size} bytes`, present: true };
  if (options.deep && (await sha256Of(binary)) !== stamp.sha256) return { ok: false, reason: "contents differ from the unpacked hash", present: true };
  return { ok: true, stamp };
}

/**
 * The path of a verified Chromium binary, unpacking (or repairing, once) under the lock.
 * `onRepair` hears what was found broken.
 */
export async function ensureChromium(binDir: string, options: { dir?: string; onRepair?: (reason: string) => void } = {}): Promise<string> {
  const dir = options.dir ?? chromiumDir();
  if ((await checkChromium(binDir, dir)).ok) return binaryOf(dir);
  mkdirSync(dir, { recursive: true });
  return withFileLock(join(dir, ".lock"), async () => {
    const found = await checkChromium(binDir, dir); // another process may have finished meanwhile
    if (found.ok) return binaryOf(dir);
    const repaired = found.present ? { at: new Date().toISOString(), reason: found.reason } : undefined;
    if (repaired) options.onRepair?.(repaired.reason);
    await unpack(binDir, dir, repaired);
    const after = await checkChromium(binDir, dir);
    if (!after.ok) throw new Error(`Chromium unpack did not verify: ${after.reason}`);
    return binaryOf(dir);
  });
}

async function unpack(binDir: string, dir: string, repaired: ChromiumStamp["repaired"]): Promise<void> {
  rmSync(stampOf(dir), { force: true });
  const source = join(binDir, "chromium.br");
  const partial = join(dir, `chromium.partial-${process.pid}-${Date.now()}`);
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(source), createBrotliDecompress({ chunkSize: 2 ** 21 }), tap, createWriteStream(partial, { mode: 0o755, flush: true }));
    renameSync(partial, binaryOf(dir));
  } finally {
    rmSync(partial, { force: true });
  }
  if (needsAl2023()) await Promise.all([extractOnce(binDir, "al2023.tar.br", "al2023"), extractOnce(binDir, "fonts.tar.br", "fonts")]);
  const { size: srcSize, mtimeMs } = statSync(source);
  const stamp: ChromiumStamp = { source: { size: srcSize, mtimeMs }, size, sha256: hash.digest("hex"), unpackedAt: new Date().toISOString(), ...(repaired ? { repaired } : {}) };
  const stampPartial = `${stampOf(dir)}.partial-${process.pid}`;
  writeFileSync(stampPartial, JSON.stringify(stamp));
  renameSync(stampPartial, stampOf(dir));
}

/** True where @sparticuz/chromium pointed LD_LIBRARY_PATH at its AL2023 libraries (it does on import, on Vercel and Lambda). */
function needsAl2023(): boolean {
  return (process.env.LD_LIBRARY_PATH ?? "").split(":").includes(join(tmpdir(), "al2023", "lib"));
}

/** Extracts a .tar.br into $TMPDIR/<name> through a temporary directory (rename), replacing what was there. */
async function extractOnce(binDir: string, file: string, name: string): Promise<void> {
  const { extract } = await import("tar-fs");
  const target = join(tmpdir(), name);
  const partial = `${target}.partial-${process.pid}-${Date.now()}`;
  try {
    await pipeline(createReadStream(join(binDir, file)), createBrotliDecompress(), extract(partial) as Writable);
    rmSync(target, { recursive: true, force: true });
    renameSync(partial, target);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

function readStamp(dir: string): ChromiumStamp | null {
  try {
    const stamp = JSON.parse(readFileSync(stampOf(dir), "utf8")) as ChromiumStamp;
    return typeof stamp.size === "number" && typeof stamp.sha256 === "string" && typeof stamp.source?.size === "number" ? stamp : null;
  } catch {
    return null;
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}
