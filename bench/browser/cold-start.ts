/**
 * Section 1b: cold start in a fresh process, with and without @sparticuz/chromium's brotli unpack.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { round, summarise, table } from "../lib/measure.js";
import type { AssetServer } from "./assets.js";

const COLD_RUNS = 20;

/** ESM run by a fresh `node` (no tsx, no module cache): phases of a cold start, as JSON. */
const COLD_CHILD = `
const t0 = performance.now();
const { default: Sparticuz } = await import("@sparticuz/chromium");
const { chromium } = await import("playwright-core");
const t1 = performance.now();
const executablePath = await Sparticuz.executablePath();
const t2 = performance.now();
const browser = await chromium.launch({ executablePath, args: Sparticuz.args, headless: true });
try {
  const page = await browser.newPage();
  await page.goto(process.env.BENCH_URL);
  const t3 = performance.now();
  process.stdout.write(JSON.stringify({ importMs: t1 - t0, unpackMs: t2 - t1, launchMs: t3 - t2, executablePath }));
} finally {
  await browser.close();
}
`;

interface ColdResult {
  importMs: number;
  unpackMs: number;
  launchMs: number;
  processMs: number;
  executablePath: string;
}

function runColdChild(url: string, tmp: string): Promise<ColdResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", COLD_CHILD],
      { cwd: new URL("../..", import.meta.url).pathname, env: { ...process.env, TMPDIR: tmp, BENCH_URL: url }, timeout: 120_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`cold child failed: ${error.message} ${stderr.slice(0, 500)}`));
        try {
          resolve({ ...(JSON.parse(stdout) as Omit<ColdResult, "processMs">), processMs: performance.now() - started });
        } catch (parseError) {
          reject(new Error(`cold child printed ${stdout.slice(0, 200)}: ${String(parseError)}`));
        }
      },
    );
  });
}

/** Times packed and unpacked cold starts in fresh `node` children and returns the markdown subsection. */
export async function benchColdStart(server: AssetServer): Promise<string> {
  const url = `${server.url}/tiny`;
  const packed: ColdResult[] = [];
  const unpacked: ColdResult[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    // A private, empty TMPDIR: executablePath() finds nothing unpacked and inflates chromium,
    // fonts and swiftshader into it, exactly as on a fresh function instance. (Deleting the
    // shared ${tmpdir()}/chromium instead would break any other Chromium user on this machine.)
    const fresh = mkdtempSync(join(tmpdir(), "xbot-bench-cold-"));
    try {
      const result = await runColdChild(url, fresh);
      if (!result.executablePath.startsWith(fresh)) throw new Error(`cold child did not unpack into its TMPDIR: ${result.executablePath}`);
      packed.push(result);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
    unpacked.push(await runColdChild(url, tmpdir()));
  }
  const median = (list: ColdResult[], pick: (r: ColdResult) => number) => summarise(list.map(pick)).medianMs;
  const p95 = (list: ColdResult[], pick: (r: ColdResult) => number) => summarise(list.map(pick)).p95Ms;
  const row = (name: string, list: ColdResult[]) => [
    name,
    median(list, (r) => r.importMs),
    median(list, (r) => r.unpackMs),
    median(list, (r) => r.launchMs),
    `${round(median(list, (r) => r.importMs + r.unpackMs + r.launchMs))} / ${round(p95(list, (r) => r.importMs + r.unpackMs + r.launchMs))}`,
    median(list, (r) => r.processMs),
  ];
  const unpackShare = median(packed, (r) => r.unpackMs) / median(packed, (r) => r.importMs + r.unpackMs + r.launchMs);
  return [
    "### Cold start in a fresh process (brotli unpack included)",
    "",
    `Method: a fresh \`node\` child (empty module cache, no tsx) imports @sparticuz/chromium and playwright-core, calls executablePath(), ` +
      `launches with Sparticuz.args and navigates one page to the same tiny page. "packed": the child gets a new empty TMPDIR, so ` +
      "executablePath() inflates chromium.br, fonts.tar.br and swiftshader.tar.br from node_modules (the .br files are in the OS page cache after the first run; " +
      'on a fresh function instance they may be read from disk). "unpacked": the child uses the shared tmpdir where the binary already exists. ' +
      `${COLD_RUNS} runs each, alternating, median ms (the sum also with its nearest-rank p95). "child total" includes node's own start-up and process exit.`,
    "",
    table(
      ["cold start", "import ms", "executablePath() ms", "launch → page ms", "sum ms (median / p95)", "child total ms"],
      [row("packed (unpack needed)", packed), row("unpacked (binary present)", unpacked)],
    ),
    "",
    `The unpack is ${Math.round(unpackShare * 100)}% of a packed cold start to the first page; a warm instance never pays it again (executablePath() returns the existing binary).`,
  ].join("\n");
}
