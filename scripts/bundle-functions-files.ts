/** File selection for scripts/bundle-functions.ts: which function directories, which packages stay, what goes. */
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** Every `.func` directory under `root`, sorted. */
export function functionDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .flatMap((entry) => {
      if (!entry.isDirectory()) return [];
      const path = join(root, entry.name);
      return entry.name.endsWith(".func") ? [path] : functionDirs(path);
    })
    .sort();
}

/**
 * The `node_modules/...` paths (relative to `funcDir`) of `packages` and everything they
 * depend on (dependencies, optional and peer dependencies that vercel build traced into the
 * function), looked up as Node would: the package's own node_modules first, then the top.
 * A package the function does not hold is skipped: its import then fails at cold import.
 */
export function externalClosure(funcDir: string, packages: readonly string[]): string[] {
  const kept = new Set<string>();
  const visit = (name: string, from: string): void => {
    const nested = join(from, "node_modules", name);
    const dir = existsSync(join(funcDir, nested)) ? nested : join("node_modules", name);
    if (kept.has(dir) || !existsSync(join(funcDir, dir, "package.json"))) return;
    kept.add(dir);
    const pkg = JSON.parse(readFileSync(join(funcDir, dir, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies })) visit(dep, dir);
  };
  for (const name of packages) visit(name, "");
  return [...kept].map((dir) => dir.split(sep).join("/"));
}

/** Removes every file under `funcDir` except the relative paths in `keep` (a kept directory is kept whole). */
export function removeAllBut(funcDir: string, keep: ReadonlySet<string>): void {
  const prefixes = new Set(
    [...keep].flatMap((path) =>
      path
        .split("/")
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
    ),
  );
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(funcDir, path).split(sep).join("/");
      if (keep.has(rel)) continue;
      if (prefixes.has(rel) && entry.isDirectory()) visit(path);
      else rmSync(path, { recursive: true, force: true });
    }
  };
  visit(funcDir);
}
