/**
 * The cold-import benchmark measures what Vercel would start: a bundle missing a package
 * fails it, even when the project's node_modules (or NODE_PATH) would supply the package.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { coldImportSamples, coldRequest, isolatedCopy } from "../../scripts/cold-import.js";

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

  it("a copy holds the function's filePathMap files, as a deploy uploads them", () => {
    const mapped = fakeFunc("mapped", "export const GET = () => new Response();\n");
    writeFileSync(join(mapped, ".vc-config.json"), JSON.stringify({ handler: "api/mapped.js", filePathMap: { "lib/db/migrations/001_schema.sql": "lib/db/migrations/001_schema.sql" } }));
    const copy = isolatedCopy(mapped);
    try {
      expect(readFileSync(join(copy.dir, "lib/db/migrations/001_schema.sql"), "utf8")).toBe(readFileSync("lib/db/migrations/001_schema.sql", "utf8"));
    } finally {
      copy.dispose();
    }
  });

  it("a request is answered by the handler's GET, its logs on stdout notwithstanding", async () => {
    const answering = fakeFunc(
      "answering",
      'export const GET = async (r) => { console.log("{\\"level\\":\\"info\\"}"); return Response.json({ url: r.url, env: process.env.XBOT_PROBE }, { status: 418 }); };\n',
    );
    const { ms, answer } = await coldRequest(answering, "api/answering.js", { url: "https://x.invalid/api/answering", env: { XBOT_PROBE: "yes" } });
    expect(ms).toBeGreaterThan(0);
    expect(answer).toEqual({ method: "GET", status: 418, body: JSON.stringify({ url: "https://x.invalid/api/answering", env: "yes" }) });
  });

  it("a POST-only handler gets a POST; a handler that throws fails the request", async () => {
    const postOnly = fakeFunc("postonly", "export const POST = (r) => new Response(r.method);\n");
    expect((await coldRequest(postOnly, "api/postonly.js", { url: "https://x.invalid/" })).answer).toMatchObject({ method: "POST", status: 200, body: "POST" });
    await expect(coldRequest(postOnly, "api/postonly.js", { method: "GET", url: "https://x.invalid/" })).rejects.toThrow(/no GET export/);
    const throwing = fakeFunc("throwing", 'export const GET = () => { throw new Error("boom"); };\n');
    await expect(coldRequest(throwing, "api/throwing.js", { url: "https://x.invalid/" })).rejects.toThrow(/cold request failed.*boom/);
  });
});
