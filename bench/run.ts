/**
 * `npm run bench`: runs every benchmark in one process, side by side, and rewrites
 * docs/benchmarks.md with the results, the method and a machine note. `npm run bench -- NAME...`
 * runs only those and replaces just their sections (matched by their "## " heading).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { startBenchServices, type BenchServices } from "./lib/services.js";
import { benchBrowser } from "./browser/index.js";
import { benchStateStore } from "./state-store.js";
import { benchRunner } from "./runner.js";
import { benchFunctions } from "./functions.js";
import { benchTickToPost } from "./tick-to-post.js";
import { benchReading } from "./reading.js";
import { benchScale, removeOldTree } from "./scale.js";
import { benchDuplicateGate } from "./duplicate-gate.js";
import { loadNote, overloaded } from "./lib/measure.js";
import { benchXTransports } from "./x-transports.js";
import { benchVisitsDay } from "./visits-day.js";

/** The benchmarks, in order. Each returns a markdown section. */
const BENCHMARKS: { name: string; run: (s: BenchServices) => Promise<string> }[] = [
  { name: "state-store", run: benchStateStore },
  { name: "runner", run: benchRunner },
  { name: "browser", run: benchBrowser },
  { name: "reading", run: benchReading },
  { name: "tick-to-post", run: benchTickToPost },
  { name: "functions", run: benchFunctions },
  { name: "duplicate-gate", run: benchDuplicateGate },
  { name: "scale", run: benchScale },
  { name: "x-transports", run: benchXTransports },
  { name: "visits-day", run: benchVisitsDay },
];

function machineNote(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `Machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}. Run at ${new Date().toISOString()}.`;
}

function fullDoc(sections: readonly string[]): string {
  return [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (bench/run.ts); do not edit by hand. Numbers come from one run on one machine: compare ratios within a table, not absolute values across machines.",
    "",
    machineNote(),
    "",
    ...sections.flatMap((s) => [s, ""]),
  ].join("\n");
}

/** The doc with each section replaced where its "## " heading is (appended when new); the partial run's machine note is added to it. */
function replaceSections(doc: string, sections: readonly string[]): string {
  let out = doc;
  for (const section of sections) {
    const heading = section.split("\n")[0] ?? "";
    const start = out.indexOf(`${heading}\n`);
    const body = `${section}\n\n${machineNote().replace("Machine:", "This section's machine:")}\n\n`;
    if (start < 0) out = `${out.trimEnd()}\n\n${body}`;
    else {
      const next = out.indexOf("\n## ", start + heading.length);
      out = out.slice(0, start) + body + (next < 0 ? "" : out.slice(next + 1));
    }
  }
  return out;
}

/**
 * Runs one section and records the load it ran under; when the 1-minute load average is above
 * the core count at its end, the section is measured once more and that second run is kept
 * (both loads are stated).
 */
async function runMeasured(b: { name: string; run: (s: BenchServices) => Promise<string> }, services: BenchServices): Promise<string> {
  const notes: string[] = [];
  let section = "";
  for (let attempt = 1; attempt <= 2; attempt++) {
    console.error(`[bench] ${b.name} ...${attempt > 1 ? " (rerun: the load was above the core count)" : ""}`);
    const before = loadNote();
    section = await b.run(services);
    notes.push(`run ${attempt}: load average ${before} at the start, ${loadNote()} at the end`);
    if (!overloaded()) break;
  }
  const still = overloaded() ? " The load was still above the core count at the end: compare these ratios with care." : "";
  return `${section}\n\nLoad (1, 5, 15 min): ${notes.join("; ")}${notes.length > 1 ? " (the numbers above are from the last run)" : ""}.${still}`;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const services = await startBenchServices();
  const sections: string[] = [];
  try {
    for (const b of BENCHMARKS.filter((b) => only.length === 0 || only.includes(b.name))) {
      sections.push(await runMeasured(b, services));
    }
  } finally {
    await services.stop();
    removeOldTree();
  }
  const file = new URL("../docs/benchmarks.md", import.meta.url);
  const doc = only.length > 0 && existsSync(file) ? replaceSections(readFileSync(file, "utf8"), sections) : fullDoc(sections);
  writeFileSync(file, doc);
  console.error("[bench] wrote docs/benchmarks.md");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
