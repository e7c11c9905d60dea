/**
 * What a built function (`.vercel/output/functions/<name>.func`) holds, for the bundle checks
 * and bench: its files, and the sources scripts/bundle-functions.ts bundled into it (`bundle/inputs.json`).
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** Every file under `dir` (symlinks followed). */
export function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statSync(path).isDirectory());
    return isDir ? walk(path) : [path];
  });
}

/** Bytes of every file under `dir`. */
export function dirBytes(dir: string): number {
  return walk(dir).reduce((sum, file) => sum + statSync(file).size, 0);
}

/** The function's handler module, relative to its directory (from `.vc-config.json`). */
export function handlerOf(funcDir: string): string {
  return (JSON.parse(readFileSync(join(funcDir, ".vc-config.json"), "utf8")) as { handler: string }).handler;
}

/** The source files bundled into the function (paths relative to the project), empty if it is not bundled. */
export function bundledInputs(funcDir: string): string[] {
  const path = join(funcDir, "bundle", "inputs.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as string[]) : [];
}

/** The size of a function directory and whether it holds each heavy or forbidden part, as a file or bundled in. */
export function bundleOf(funcDir: string): { bytes: number; bundled: boolean; has: { pglite: boolean; libDev: boolean; chromium: boolean; playwright: boolean; aiSdk: boolean } } {
  const inputs = bundledInputs(funcDir);
  const files = [...walk(funcDir).map((f) => relative(funcDir, f).split(sep).join("/")), ...inputs];
  const any = (re: RegExp) => files.some((f) => re.test(f));
  return {
    bytes: dirBytes(funcDir),
    bundled: inputs.length > 0,
    has: {
      pglite: any(/(^|\/)node_modules\/@electric-sql\/pglite\//),
      libDev: any(/^lib\/dev\//),
      chromium: any(/(^|\/)node_modules\/@sparticuz\/chromium\//),
      playwright: any(/(^|\/)node_modules\/playwright-core\//),
      aiSdk: any(/(^|\/)node_modules\/(ai|@ai-sdk\/[^/]+)\//),
    },
  };
}
