/**
 * The cold-import benchmark measures what Vercel would start: a bundle missing a package
 * fails it, even when the project's node_modules (or NODE_PATH) would supply the package.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { coldImportSamples } from "../../scripts/cold-import.js";

const root = mkdtempSync(join(process.cwd(), ".xbot-cold-test-")); // inside the project tree: zod resolves upward from here
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeFunc(name: string, source: string): string {
  const dir = join(root, `${name}.func`);
  mkdirSync(join(dir, "api"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(dir, "api", `${name}.js`), source);
  return dir;
}

describe("cold-import benchmark", () => {
  it("a copy that lacks a package it imports fails, though the project tree and NODE_PATH have it", () => {
    const broken = fakeFunc("broken", 'import { z } from "zod";\nexport const GET = () => z.string();\n');
    const before = process.env.NODE_PATH;
    process.env.NODE_PATH = join(process.cwd(), "node_modules");
    try {
      expect(() => coldImportSamples(broken, "api/broken.js", 1)).toThrow(/cold import failed.*Cannot find package 'zod'/);
    } finally {
      if (before === undefined) delete process.env.NODE_PATH;
      else process.env.NODE_PATH = before;
    }
  });

  it("a complete copy imports and is timed", () => {
    const whole = fakeFunc("whole", 'import { createHash } from "node:crypto";\nexport const GET = () => createHash("sha256");\n');
    const samples = coldImportSamples(whole, "api/whole.js", 2);
    expect(samples).toHaveLength(2);
    expect(samples.every((ms) => ms > 0)).toBe(true);
  });

  it("a handler without GET or POST fails", () => {
    const empty = fakeFunc("empty", "export const nothing = 1;\n");
    expect(() => coldImportSamples(empty, "api/empty.js", 1)).toThrow(/no GET or POST export/);
  });
});
