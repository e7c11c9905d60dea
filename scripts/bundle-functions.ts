/**
 * Second step of `npm run vc:build`: replaces each function's traced module tree (what
 * `vercel build` leaves: @vercel/node transpiles every file but does not bundle, so a cold
 * start reads, resolves and compiles ~160 modules) with an esbuild bundle, and ships it
 * through the Build Output API (https://vercel.com/docs/build-output-api/primitives): the
 * function stays `.vercel/output/functions/<name>.func` with vercel build's own
 * `.vc-config.json` (runtime nodejs24.x, launcherType Nodejs, maxDuration, filePathMap);
 * only `handler` moves to `bundle/<entry>.mjs`.
 *
 * - Dynamic imports stay separate chunks (code splitting), so the AI SDK, @upstash/qstash and
 *   tar-fs load on first use, not at cold start.
 * - Kept as packages (external), with their dependencies as vercel build traced them:
 *   @sparticuz/chromium (its brotli binaries sit next to its code), playwright-core (it
 *   resolves its own files at run time), sharp (native). PGlite and lib/dev stay external and
 *   absent, so reaching them fails as it did before (check-vc-output.ts checks they are absent).
 * - `import.meta.url` in our sources is rewritten to the URL the file had in the tree, so
 *   MIGRATIONS_DIR and CONTENT_DIR still find the includeFiles (lib/db/migrations, content).
 * - `require("punycode")` resolves to the npm package the caller declares, not Node's deprecated builtin.
 * - `import { z } from "zod…"`, in our sources and in packages (@ai-sdk/openai), is read as
 *   `import * as z`: the same namespace object, but esbuild then keeps only the members used.
 *   Through `{ z }` it keeps all of zod with its ~40 locales (~440 kB of the ~580 kB), and code
 *   splitting puts what a lazy chunk imports that way into a chunk the entry loads.
 * - `bundle/inputs.json` lists every source file bundled in, for the contents checks.
 */
import { build, type Plugin } from "esbuild";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { externalClosure, functionDirs, removeAllBut } from "./bundle-functions-files.js";

/** Packages left out of the bundle and kept in the function's node_modules. */
export const EXTERNAL_PACKAGES = ["@sparticuz/chromium", "playwright-core", "sharp", "@electric-sql/pglite"] as const;
/** Our modules never deployed: left as imports that fail if ever reached. */
const NEVER_BUNDLED = /(^|\/)lib\/dev\/|pglite-fetch(\.js|\.ts)?$/;

/** `import { z } from "zod"` (or "zod/v4", "zod/mini"…): zod's `z` export is its module namespace. */
const ZOD_NAMED_Z = /import\s*\{\s*z\s*\}\s*from\s*("zod(?:\/[\w/-]+)?"|'zod(?:\/[\w/-]+)?')/g;

/** The fields of vercel build's `.vc-config.json` this step reads; the rest is kept as written. */
interface VcConfig {
  handler: string;
  filePathMap?: Record<string, string>;
}

/** Keeps lib/dev and PGlite out, and gives our sources their tree's `import.meta.url` (relative to `bundle/`). */
function sourcePaths(root: string): Plugin {
  return {
    name: "xbot-source-paths",
    setup(b) {
      // `require("punycode")` means Node's deprecated builtin, which warns (DEP0040) once the code
      // no longer sits under node_modules; the packages that call it (twitter-text) declare npm's punycode.
      b.onResolve({ filter: /^punycode$/ }, async (args) => {
        const npm = await b.resolve("punycode/", { resolveDir: args.resolveDir, kind: args.kind });
        return npm.errors.length === 0 ? { path: npm.path } : undefined;
      });
      b.onResolve({ filter: /.*/ }, (args) => (NEVER_BUNDLED.test(args.path) && args.kind !== "entry-point" ? { path: args.path, external: true } : undefined));
      b.onLoad({ filter: /[\\/]node_modules[\\/].*\.m?js$/ }, (args) => {
        const text = readFileSync(args.path, "utf8");
        const contents = text.replace(ZOD_NAMED_Z, "import * as z from $1");
        return contents === text ? undefined : { contents, loader: "js" };
      });
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const rel = relative(root, args.path).split(sep).join("/");
        if (rel.startsWith("node_modules/")) return undefined;
        const text = readFileSync(args.path, "utf8").replace(ZOD_NAMED_Z, "import * as z from $1");
        const url = `new URL(${JSON.stringify(`../${rel.replace(/\.ts$/, ".js")}`)}, import.meta.url).href`;
        return { contents: text.replaceAll("import.meta.url", url), loader: "ts" };
      });
    },
  };
}

/**
 * Bundles one function in place from the sources under `root` (its handler `x/y.js` is built
 * from `x/y.ts`); returns the bytes of code written. Whitespace and syntax are minified (less
 * to parse at cold start); identifiers are not, so stack traces keep their function names.
 */
export async function bundleFunction(funcDir: string, root = process.cwd()): Promise<number> {
  const vcPath = join(funcDir, ".vc-config.json");
  const vc = JSON.parse(readFileSync(vcPath, "utf8")) as VcConfig;
  const source = vc.handler.replace(/\.js$/, ".ts");
  if (!existsSync(join(root, source))) throw new Error(`${funcDir}: no source ${source} for handler ${vc.handler}`);
  const entry = source.replace(/\.ts$/, "").split("/").join("-");
  const outdir = join(funcDir, "bundle");
  const result = await build({
    entryPoints: { [entry]: join(root, source) },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node24",
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunk-[hash]",
    metafile: true,
    logLevel: "warning",
    minifyWhitespace: true,
    minifySyntax: true,
    external: [...EXTERNAL_PACKAGES],
    plugins: [sourcePaths(root)],
    // Bundled CommonJS calls require() for node builtins; an ES module has none of its own.
    banner: { js: 'import { createRequire as __xbotRequire } from "node:module"; const require = __xbotRequire(import.meta.url);' },
  });
  const outputs = result.metafile.outputs;
  const externals = new Set(Object.values(outputs).flatMap((o) => o.imports.filter((i) => i.external && !i.path.startsWith("node:") && !i.path.startsWith(".")).map((i) => i.path)));
  const keep = externalClosure(funcDir, [...externals].map(packageName));
  // Chunks import these lazily, so a cold import would not notice one missing: fail the build.
  const missing = [...externals].map(packageName).filter((name) => name !== "@electric-sql/pglite" && !isBuiltin(name) && !keep.includes(`node_modules/${name}`));
  if (missing.length > 0) throw new Error(`${funcDir}: vercel build did not trace ${missing.join(", ")}, which the bundle imports`);
  writeFileSync(join(outdir, "inputs.json"), `${JSON.stringify(Object.keys(result.metafile.inputs).sort(), null, 1)}\n`);
  removeAllBut(funcDir, new Set([".vc-config.json", "package.json", "bundle", ...Object.keys(vc.filePathMap ?? {}), ...keep]));
  writeFileSync(vcPath, `${JSON.stringify({ ...vc, handler: `bundle/${entry}.mjs` }, null, 2)}\n`);
  return Object.values(outputs).reduce((sum, o) => sum + o.bytes, 0);
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dirs = functionDirs(".vercel/output/functions");
  if (dirs.length === 0) throw new Error("bundle-functions: no functions under .vercel/output/functions (run vercel build first)");
  for (const dir of dirs) {
    const bytes = await bundleFunction(dir);
    console.log(`bundled ${relative(".vercel/output/functions", dir).padEnd(24)} ${(bytes / 1e6).toFixed(2)} MB of code`);
  }
}
