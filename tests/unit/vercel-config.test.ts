/** vercel.json and api/ agree with the job list: one function and one cron per job, nothing else. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JOBS } from "../../lib/jobs/index.js";
import { createCatalog } from "../../lib/runtime/deps.js";
import { SECURITY_HEADERS } from "../../lib/runtime/http/security-headers.js";

const vercel = JSON.parse(readFileSync("vercel.json", "utf8")) as {
  crons: { path: string; schedule: string }[];
  functions: Record<string, { maxDuration: number; includeFiles?: string }>;
  headers: { source: string; headers: { key: string; value: string }[] }[];
};

describe("vercel.json contract", () => {
  it("the job list is a valid dependency graph", () => {
    expect(createCatalog(JOBS).order).toHaveLength(JOBS.length);
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

  it("public/ on Vercel carries the same security headers as the routes and the local server", () => {
    const all = vercel.headers.find((h) => h.source === "/(.*)");
    expect(Object.fromEntries((all?.headers ?? []).map((h) => [h.key.toLowerCase(), h.value]))).toEqual(SECURITY_HEADERS);
  });

  it("crons are exactly the jobs, with the same schedules", () => {
    const crons = Object.fromEntries(vercel.crons.map((c) => [c.path, c.schedule]));
    expect(crons).toEqual(Object.fromEntries(JOBS.map((j) => [`/api/jobs/${j.name}`, j.schedule])));
  });

  it("every function is configured, with enough maxDuration and the migrations included", () => {
    for (const job of JOBS) {
      const fn = vercel.functions[`api/jobs/${job.name}.ts`];
      expect(fn, job.name).toBeDefined();
      expect(fn!.maxDuration * 1000).toBeGreaterThanOrEqual(job.maxDurationMs);
      expect(fn!.includeFiles).toContain("lib/db/migrations/**");
    }
    for (const path of Object.keys(vercel.functions)) expect(existsSync(path), path).toBe(true);
  });
});
