/**
 * `npm run bench`: runs every benchmark in one process, side by side, and rewrites
 * docs/benchmarks.md with the results, the method and a machine note.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import { startBenchServices, type BenchServices } from "./lib/services.js";
import { benchBrowser } from "./browser/index.js";
import { benchStateStore } from "./state-store.js";
import { benchRunner } from "./runner.js";
import { benchFunctions } from "./functions.js";
import { benchTickToPost } from "./tick-to-post.js";

/** The benchmarks, in order. Each returns a markdown section. */
const BENCHMARKS: { name: string; run: (s: BenchServices) => Promise<string> }[] = [
  { name: "state-store", run: benchStateStore },
  { name: "runner", run: benchRunner },
  { name: "browser", run: benchBrowser },
  { name: "tick-to-post", run: benchTickToPost },
  { name: "functions", run: benchFunctions },
];

function machineNote(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `Machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}. Run at ${new Date().toISOString()}.`;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const services = await startBenchServices();
  const sections: string[] = [];
  try {
    for (const b of BENCHMARKS.filter((b) => only.length === 0 || only.includes(b.name))) {
      console.error(`[bench] ${b.name} ...`);
      sections.push(await b.run(services));
    }
  } finally {
    await services.stop();
  }
  const doc = ["# Benchmarks", "", "Written by `npm run bench` (bench/run.ts); do not edit by hand. Numbers come from one run on one machine: compare ratios within a table, not absolute values across machines.", "", machineNote(), "", ...sections.flatMap((s) => [s, ""])].join("\n");
  writeFileSync(new URL("../docs/benchmarks.md", import.meta.url), doc);
  console.error("[bench] wrote docs/benchmarks.md");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
