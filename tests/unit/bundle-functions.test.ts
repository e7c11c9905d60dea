/**
 * scripts/bundle-functions.ts: a bundled function still finds the files vercel build places next to
 * it (migrations, content) from its own directory, keeps an external package with exactly the
 * packages it depends on, drops the traced module tree, and imports cold from an isolated copy.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleFunction } from "../../scripts/bundle-functions.js";
import { externalClosure, removeAllBut } from "../../scripts/bundle-functions-files.js";
import { coldEnv, coldImportSamples, isolatedCopy } from "../../scripts/cold-import.js";
import { bundledInputs, handlerOf } from "../../scripts/vc-bundles.js";

const root = mkdtempSync(join(process.cwd(), ".xbot-bundle-test-")); // in the tree: the probe imports ../lib
const probeDir = basename(root);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function pkg(funcDir: string, name: string, deps: Record<string, string> = {}): void {
  mkdirSync(join(funcDir, "node_modules", name), { recursive: true });
  writeFileSync(join(funcDir, "node_modules", name, "package.json"), JSON.stringify({ name, dependencies: deps }));
}

describe("bundle-functions", () => {
  it("bundles a handler that reads migrations and content from where the function holds them", async () => {
    writeFileSync(
      join(root, "probe.ts"),
      [
        'import { existsSync } from "node:fs";',
        'import { MIGRATIONS_DIR, readMigrations } from "../lib/db/migrate.js";',
        'import { CONTENT_DIR } from "../lib/jobs/planning/content.js";',
        "export const GET = () => Response.json({ MIGRATIONS_DIR, CONTENT_DIR, migrations: readMigrations().length, content: existsSync(CONTENT_DIR) });",
      ].join("\n"),
    );
    const func = join(root, "probe.func");
    mkdirSync(join(func, probeDir), { recursive: true });
    writeFileSync(join(func, probeDir, "probe.js"), "// the traced module vercel build wrote: replaced by the bundle\n");
    writeFileSync(
      join(func, ".vc-config.json"),
      JSON.stringify({ handler: `${probeDir}/probe.js`, runtime: "nodejs24.x", launcherType: "Nodejs", filePathMap: { "content/topics.json": "content/topics.json" } }),
    );
    await bundleFunction(func);
    expect(handlerOf(func)).toBe(`bundle/${probeDir}-probe.mjs`);
    expect(existsSync(join(func, probeDir))).toBe(false);
    expect(bundledInputs(func)).toContain("lib/db/migrate.ts");
    const copy = isolatedCopy(func);
    try {
      // Vercel places the filePathMap / includeFiles files at their paths inside the function.
      cpSync("lib/db/migrations", join(copy.dir, "lib/db/migrations"), { recursive: true });
      cpSync("content", join(copy.dir, "content"), { recursive: true });
      const code = `const { GET } = await import("./${handlerOf(func)}"); console.log(JSON.stringify(await GET().json()));`;
      const run = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: copy.dir, encoding: "utf8", env: coldEnv() });
      expect(run.stderr).toBe("");
      const seen = JSON.parse(run.stdout) as { MIGRATIONS_DIR: string; CONTENT_DIR: string; migrations: number; content: boolean };
      expect(seen.MIGRATIONS_DIR).toBe(join(copy.dir, "lib/db/migrations/"));
      expect(seen.CONTENT_DIR).toBe(join(copy.dir, "content/"));
      expect(seen.migrations).toBe(readdirSync("lib/db/migrations").filter((f) => f.endsWith(".sql")).length);
      expect(seen.content).toBe(true);
    } finally {
      copy.dispose();
    }
    expect(coldImportSamples(func, handlerOf(func), 1)).toHaveLength(1);
  });

  it("keeps an external package with what it depends on, and nothing else", () => {
    const func = join(root, "deps.func");
    pkg(func, "@scope/ext", { dep: "1" });
    pkg(func, "dep", { nested: "1" });
    mkdirSync(join(func, "node_modules/dep/node_modules"), { recursive: true });
    pkg(join(func, "node_modules/dep"), "nested");
    pkg(func, "nested"); // a hoisted copy: the nested one wins, as in Node's lookup
    pkg(func, "unused");
    const keep = externalClosure(func, ["@scope/ext", "absent"]);
    expect(keep.sort()).toEqual(["node_modules/@scope/ext", "node_modules/dep", "node_modules/dep/node_modules/nested"]);
    mkdirSync(join(func, "api"), { recursive: true });
    writeFileSync(join(func, "api/x.js"), "");
    writeFileSync(join(func, ".vc-config.json"), "{}");
    removeAllBut(func, new Set([".vc-config.json", ...keep]));
    expect(readdirSync(join(func, "node_modules")).sort()).toEqual(["@scope", "dep"]);
    expect(existsSync(join(func, "api"))).toBe(false);
    expect(existsSync(join(func, "node_modules/dep/node_modules/nested/package.json"))).toBe(true);
    expect(JSON.parse(readFileSync(join(func, "node_modules/@scope/ext/package.json"), "utf8")).name).toBe("@scope/ext");
  });

  it('`import { z } from "zod"`, in a package or in our source, bundles only the zod it uses, not every locale', async () => {
    // A package in node_modules that imports zod as @ai-sdk/openai does; through `{ z }` esbuild keeps all of zod (~580 kB).
    mkdirSync(join(root, "node_modules/zod-user"), { recursive: true });
    writeFileSync(join(root, "node_modules/zod-user/package.json"), JSON.stringify({ name: "zod-user", type: "module", main: "index.js" }));
    writeFileSync(join(root, "node_modules/zod-user/index.js"), 'import { z } from "zod";\nexport const user = z.object({ name: z.string() });\n');
    writeFileSync(
      join(root, "zodprobe.ts"),
      'import { z } from "zod";\nimport { user } from "zod-user";\nexport const GET = () => Response.json({ ...user.parse({ name: "a" }), n: z.number().parse(1) });\n',
    );
    const func = join(root, "zodprobe.func");
    mkdirSync(join(func, probeDir), { recursive: true });
    writeFileSync(join(func, ".vc-config.json"), JSON.stringify({ handler: `${probeDir}/zodprobe.js`, runtime: "nodejs24.x", launcherType: "Nodejs" }));
    const bytes = await bundleFunction(func);
    expect(bundledInputs(func)).toContain("node_modules/zod/v4/locales/de.js"); // read, then shaken out
    expect(bytes).toBeLessThan(250_000);
    const code = `const { GET } = await import("./${handlerOf(func)}"); console.log(JSON.stringify(await GET().json()));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: func, encoding: "utf8", env: coldEnv() });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ name: "a", n: 1 });
  });
});
