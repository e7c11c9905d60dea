/**
 * The dashboard's vendored files: uPlot's minified build is committed under public/vendor/
 * (Vercel serves public/ as it is, with no build step). The local server refreshes the copy
 * from node_modules when the installed version differs, so `npm i uplot@x` is all an upgrade
 * takes.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Logger } from "../log.js";

/** Files copied from uplot/dist (and its licence). */
export const UPLOT_FILES = ["uPlot.iife.min.js", "uPlot.min.css"] as const;

/** Copies uPlot into `<publicDir>/vendor/` when missing or different. Never throws. */
export function syncVendor(publicDir: string, log?: Logger): string[] {
  const copied: string[] = [];
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve("uplot/package.json"));
    const target = join(publicDir, "vendor");
    mkdirSync(target, { recursive: true });
    const pairs: [string, string][] = [...UPLOT_FILES.map((f): [string, string] => [join(root, "dist", f), join(target, f)]), [join(root, "LICENSE"), join(target, "uPlot.LICENSE.txt")]];
    for (const [from, to] of pairs) {
      if (!existsSync(from)) continue;
      if (existsSync(to) && readFileSync(from).equals(readFileSync(to))) continue;
      copyFileSync(from, to);
      copied.push(to);
    }
    if (copied.length > 0) log?.info("vendored uPlot refreshed", { files: copied });
  } catch (error) {
    log?.warn("could not refresh vendored uPlot (the committed copy is served)", { error: (error as Error).message });
  }
  return copied;
}
