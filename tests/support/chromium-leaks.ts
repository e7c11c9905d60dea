/**
 * After the whole run, no Chromium of ours may be left. The bundled binary lives at
 * os.tmpdir()/xbot-chromium/chromium (lib/browser/chromium-install.ts; os.tmpdir()/chromium
 * where @sparticuz/chromium unpacked it itself); every process running it at teardown outlived the test that
 * started it. In CI (nothing else runs there) that fails the run; elsewhere other
 * sessions' browsers may be legitimate, so it only warns.
 */
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromiumDir } from "../../lib/browser/chromium-install.js";

const escapeRegExp = (path: string) => path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Pids running the bundled Chromium right now. */
export function bundledChromiumPids(): number[] {
  try {
    const binaries = [join(chromiumDir(), "chromium"), join(tmpdir(), "chromium")].map(escapeRegExp);
    const out = execFileSync("pgrep", ["-f", `^(${binaries.join("|")}) `], { encoding: "utf8" });
    return out.split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Checks for leaked browsers: a summary line, and whether the run must fail. */
export async function checkChromiumLeaks(isCi: boolean): Promise<{ ok: boolean; line: string }> {
  let pids = bundledChromiumPids();
  for (let i = 0; i < 20 && pids.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 250));
    pids = bundledChromiumPids();
  }
  if (pids.length === 0) return { ok: true, line: "[xbot tests] no Chromium process outlived the run" };
  const line = `[xbot tests] ${pids.length} Chromium process(es) outlived the run: ${pids.join(", ")}`;
  return { ok: !isCi, line };
}
