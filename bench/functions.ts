/**
 * The deployed functions as `vercel build` makes them: size on disk of each function
 * bundle, and cold import time (a fresh `node` process importing the built handler),
 * side by side with a bare `node -e ""` start in the same run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { BenchServices } from "./lib/services.js";
import { round, summarise, table } from "./lib/measure.js";

const OUTPUT = ".vercel/output/functions/api";
const RUNS = 7;

function functions(): { route: string; dir: string; handler: string }[] {
  const found: { route: string; dir: string; handler: string }[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir)) {
      if (entry.endsWith(".func")) {
        const name = entry.slice(0, -5);
        found.push({ route: `${prefix}${name}`, dir: join(dir, entry), handler: join("api", prefix, `${name}.js`) });
      } else if (!entry.includes(".")) walk(join(dir, entry), `${prefix}${entry}/`);
    }
  };
  walk(OUTPUT, "");
  return found.sort((a, b) => a.route.localeCompare(b.route));
}

function coldStartMs(cwd: string, code: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`cold import failed in ${cwd}: ${result.stderr.slice(0, 300)}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Runs the benchmark and returns its markdown section. */
export async function benchFunctions(_services: BenchServices): Promise<string> {
  execFileSync("bash", ["scripts/vc-build.sh"], { stdio: ["ignore", "ignore", "inherit"] });
  const rows: (string | number)[][] = [];
  const bare = summarise(Array.from({ length: RUNS }, () => coldStartMs(process.cwd(), "")));
  rows.push(["bare `node -e \"\"`", "-", bare.medianMs, "1.00"]);
  for (const fn of functions()) {
    const code = `const m = await import("./${fn.handler}"); if (!m.GET && !m.POST) process.exit(2);`;
    const timing = summarise(Array.from({ length: RUNS }, () => coldStartMs(fn.dir, code)));
    const mb = Number(execFileSync("du", ["-sk", fn.dir], { encoding: "utf8" }).split("\t")[0]) / 1024;
    rows.push([`api/${fn.route}`, round(mb), timing.medianMs, round(timing.medianMs / bare.medianMs)]);
  }
  return [
    "## Deployed functions: size and cold import",
    "",
    `Method: \`npm run vc:build\` (vercel build, offline) produces one bundle per function under .vercel/output/functions. Size is \`du -sk\` of the bundle (Vercel's limit is 250 MB unzipped). Cold import is the wall time of a fresh \`node\` process that imports the built handler module (median of ${RUNS}), next to a bare node start measured in the same run; the ratio is the one to compare. Importing does not launch Chromium or open connections: clients are created per invocation.`,
    "",
    table(["function", "bundle MB", "cold start + import ms (median)", "x bare node"], rows),
  ].join("\n");
}
