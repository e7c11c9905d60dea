/**
 * Checks `.vercel/output` after `vercel build`: config.json carries exactly the jobs'
 * crons, every job and route has its function with the job's maxDuration, and nothing
 * from lib/, api/ or a config file is published as static. Exits 1 naming each problem.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { JOBS } from "../lib/jobs/index.js";

const out = ".vercel/output";
const problems: string[] = [];
if (!existsSync(join(out, "config.json"))) {
  console.error("vc:build check: .vercel/output/config.json is missing (vercel build built nothing?)");
  process.exit(1);
}
const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as { crons?: { path: string; schedule: string }[] };
const crons = new Map((config.crons ?? []).map((c) => [c.path, c.schedule]));
for (const job of JOBS) {
  if (crons.get(`/api/jobs/${job.name}`) !== job.schedule) problems.push(`cron for ${job.name} missing or not "${job.schedule}"`);
  const func = join(out, "functions/api/jobs", `${job.name}.func`, ".vc-config.json");
  if (!existsSync(func)) problems.push(`function api/jobs/${job.name} was not built`);
  else {
    const vc = JSON.parse(readFileSync(func, "utf8")) as { maxDuration?: number };
    if ((vc.maxDuration ?? 0) * 1000 < job.maxDurationMs) problems.push(`api/jobs/${job.name} maxDuration ${vc.maxDuration}s < job's ${job.maxDurationMs} ms`);
  }
}
if (crons.size !== JOBS.length) problems.push(`config.json has ${crons.size} crons for ${JOBS.length} jobs`);
for (const route of ["health", "queue", "status"]) if (!existsSync(join(out, "functions/api", `${route}.func`))) problems.push(`function api/${route} was not built`);
const staticDir = join(out, "static");
const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [relative(staticDir, join(dir, f))]));
for (const file of existsSync(staticDir) ? walk(staticDir) : []) {
  if (/\.(ts|mts|sql)$/.test(file) || /^(lib|api|tests|bench|scripts)\//.test(file) || /(package(-lock)?|tsconfig|vercel)\.json$|\.env/.test(file)) problems.push(`published as static: ${file}`);
}
if (problems.length > 0) {
  console.error(`vc:build check failed:\n  - ${problems.join("\n  - ")}`);
  process.exit(1);
}
console.log(`vc:build check: ${JOBS.length} job functions and crons, routes present, no sources published.`);
