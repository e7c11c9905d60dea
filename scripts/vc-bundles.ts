/** What a built function (`.vercel/output/functions/<name>.func`) holds, for the bundle checks and bench. */
import { readdirSync, statSync } from "node:fs";
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

/** The size of a function directory and whether it holds each heavy or forbidden part. */
export function bundleOf(funcDir: string): { bytes: number; has: { pglite: boolean; libDev: boolean; chromium: boolean; playwright: boolean; aiSdk: boolean } } {
  const files = walk(funcDir).map((f) => relative(funcDir, f).split(sep).join("/"));
  const any = (re: RegExp) => files.some((f) => re.test(f));
  return {
    bytes: dirBytes(funcDir),
    has: {
      pglite: any(/(^|\/)node_modules\/@electric-sql\/pglite\//),
      libDev: any(/^lib\/dev\//),
      chromium: any(/(^|\/)node_modules\/@sparticuz\/chromium\//),
      playwright: any(/(^|\/)node_modules\/playwright-core\//),
      aiSdk: any(/(^|\/)node_modules\/(ai|@ai-sdk\/[^/]+)\//),
    },
  };
}
