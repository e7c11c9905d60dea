/**
 * Cold import of a built function, as Vercel starts it: a fresh `node` process importing the
 * handler from a COPY of the `.func` directory outside the project tree, with NODE_PATH
 * unset, so a package the bundle lacks fails to import instead of resolving upward to the
 * project's node_modules.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

/** A function directory copied outside the project tree; `dispose` removes the copy. */
export function isolatedCopy(funcDir: string): { dir: string; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), "xbot-cold-"));
  const dir = join(root, basename(funcDir));
  cpSync(funcDir, dir, { recursive: true, dereference: true });
  return { dir, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** The environment of a cold start: this one without NODE_PATH (nothing outside the bundle resolves). */
export function coldEnv(): NodeJS.ProcessEnv {
  const { NODE_PATH: _dropped, ...env } = process.env;
  return env;
}

/** Wall time (ms) of `node` starting in `cwd` and running the ESM `code`; throws with node's error when it fails. */
export function coldStartMs(cwd: string, code: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd, encoding: "utf8", env: coldEnv() });
  if (result.status !== 0)
    throw new Error(
      `cold import failed in ${cwd}: ${
        result.stderr
          .trim()
          .split("\n")
          .find((l) => /Error/.test(l)) ?? result.stderr.slice(0, 300)
      }`,
    );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** The ESM snippet that imports a handler and checks it exports a route. */
export function importCode(handler: string): string {
  return `const m = await import("./${handler}"); if (!m.GET && !m.POST) { console.error("Error: no GET or POST export"); process.exit(2); }`;
}

/** Median-ready samples of cold imports of `handler` from an isolated copy of `funcDir`. */
export function coldImportSamples(funcDir: string, handler: string, runs: number): number[] {
  const copy = isolatedCopy(funcDir);
  try {
    return Array.from({ length: runs }, () => coldStartMs(copy.dir, importCode(handler)));
  } finally {
    copy.dispose();
  }
}
