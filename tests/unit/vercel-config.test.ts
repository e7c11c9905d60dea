/** vercel.json and api/ agree with the job list: one function and one cron per job, nothing else, generated from the specs. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JOBS } from "../../lib/jobs/index.js";
import { SPECS } from "../../lib/jobs/specs.js";
import { NEVER_DEPLOYED, vercelConfig, vercelJsonText } from "../../lib/deploy/vercel-config.js";
import { createCatalog } from "../../lib/jobs/catalog.js";
import { jobFunction } from "../../lib/runtime/http/job-function.js";
import { browserOpenerFrom } from "../../lib/runtime/browser-need.js";
import { opensBrowser } from "../../lib/jobs/job.js";
import { SECURITY_HEADERS } from "../../lib/runtime/http/security-headers.js";

const text = readFileSync("vercel.json", "utf8");
const vercel = JSON.parse(text) as {
  crons: { path: string; schedule: string }[];
  functions: Record<string, { maxDuration: number; includeFiles?: string; excludeFiles?: string }>;
  headers: { source: string; headers: { key: string; value: string }[] }[];
};

describe("vercel.json contract", () => {
  it("the job list is a valid dependency graph", () => {
    expect(createCatalog(JOBS).order).toHaveLength(JOBS.length);
  });

  it("every job definition is its spec plus the work: same names, order and fields", () => {
    expect(JOBS.map((j) => j.name)).toEqual(SPECS.map((s) => s.name));
    for (const [i, spec] of SPECS.entries()) expect(JOBS[i], spec.name).toMatchObject(spec);
  });

  it("vercel.json is exactly what the generator makes from the specs (npm run vc:config)", () => {
    expect(text).toBe(vercelJsonText());
  });

  it("every job has its api file exporting GET and POST, and nothing else lives in api/jobs", async () => {
    const files = readdirSync("api/jobs").sort();
    expect(files).toEqual(JOBS.map((j) => `${j.name}.ts`).sort());
    for (const job of JOBS) {
      const mod = (await import(`../../api/jobs/${job.name}.ts`)) as Record<string, unknown>;
      expect(typeof mod.GET, job.name).toBe("function");
      expect(typeof mod.POST, job.name).toBe("function");
    }
  });

  it("a job function wired against its spec fails when it loads: a browser job without the opener, a job without a browser given one", () => {
    const post = JOBS.find((j) => j.name === "post")!;
    const plan = JOBS.find((j) => j.name === "plan")!;
    const heal = JOBS.find((j) => j.name === "heal")!;
    expect(opensBrowser(heal)).toBe(true);
    expect(() => jobFunction(post)).toThrow(/api\/jobs\/post\.ts must pass \{ browser: browserOpenerFrom \}/);
    expect(() => jobFunction(heal)).toThrow(/must pass/);
    expect(() => jobFunction(plan, { browser: browserOpenerFrom })).toThrow(/never opens one/);
    expect(() => jobFunction(post, { browser: browserOpenerFrom })).not.toThrow();
  });

  it("public/ on Vercel carries the same security headers as the routes and the local server", () => {
    const all = vercel.headers.find((h) => h.source === "/(.*)");
    expect(Object.fromEntries((all?.headers ?? []).map((h) => [h.key.toLowerCase(), h.value]))).toEqual(SECURITY_HEADERS);
  });

  it("crons are exactly the jobs, with the same schedules", () => {
    const crons = Object.fromEntries(vercel.crons.map((c) => [c.path, c.schedule]));
    expect(crons).toEqual(Object.fromEntries(JOBS.map((j) => [`/api/jobs/${j.name}`, j.schedule])));
  });

  it("as Vercel Schedules: one path schedule per job, a GET to its route, same cron, UTC", () => {
    const config = vercelConfig({ schedules: true }) as { crons?: unknown; schedules: Record<string, { schedule: string; path: string; requestMethod: string; timezone: string }> };
    expect(config.crons).toBeUndefined();
    expect(config.schedules).toEqual(Object.fromEntries(JOBS.map((j) => [j.name, { schedule: j.schedule, path: `/api/jobs/${j.name}`, requestMethod: "GET", timezone: "UTC" }])));
  });

  it("every function is configured, with enough maxDuration, the migrations included and the local-only code excluded", () => {
    for (const job of JOBS) {
      const fn = vercel.functions[`api/jobs/${job.name}.ts`];
      expect(fn, job.name).toBeDefined();
      expect(fn!.maxDuration * 1000).toBeGreaterThanOrEqual(job.maxDurationMs);
      expect(fn!.includeFiles).toContain("lib/db/migrations/**");
    }
    for (const [path, fn] of Object.entries(vercel.functions)) {
      expect(existsSync(path), path).toBe(true);
      for (const glob of NEVER_DEPLOYED) expect(fn.excludeFiles, path).toContain(glob);
    }
  });
});
