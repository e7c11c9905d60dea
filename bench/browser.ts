/**
 * The browser, side by side in one run:
 * 1. acquisition to the first usable page: lib/browser's openBrowser + withPage against a bare
 *    chromium.launch + newPage (same binary, same flags), warm, plus the cold start of a fresh
 *    process including @sparticuz/chromium's brotli unpack;
 * 2. reading the metrics of 50 sandbox tweets sequentially vs N parallel pages in one browser
 *    (wall time, speed-up, peak RSS of the Chromium process);
 * 3. request blocking on vs off on a page with 20 images and 4 web fonts (bytes counted at the
 *    server, time to the load event).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Sparticuz from "@sparticuz/chromium";
import { chromium } from "playwright-core";
import { openBrowser, sparticuzProvider, type BrowserSession, type ResourceType, type StorageState } from "../lib/browser/index.js";
import { createSandbox } from "../lib/dev/sandbox/index.js";
import { silentLogger } from "../lib/log.js";
import { readMetrics, type XSite } from "../lib/x/index.js";
import type { BenchServices } from "./lib/services.js";
import { round, summarise, table } from "./lib/measure.js";

const ACQUIRE_ITERATIONS = 15;
const COLD_RUNS = 3;
const TWEETS = 50;
const PARALLEL = [1, 2, 4, 8] as const;
const SCRAPE_ROUNDS = 3;
const BLOCK_ITERATIONS = 10;
const IMAGES = 20;
const FONTS = 4;
const ASSET_BYTES = 50 * 1024;
const WAN_DELAY_MS = 25;
const PAGE_DELAY_MS = 150;

/** Runs the benchmark and returns its markdown section. */
export async function benchBrowser(_services: BenchServices): Promise<string> {
  await Sparticuz.executablePath(); // unpacked once up front: the warm numbers exclude the unpack
  const server = await startAssetServer();
  try {
    const acquisition = await benchAcquisition(server);
    const cold = await benchColdStart(server);
    const scraping = await benchScraping();
    const blocking = await benchBlocking(server);
    return ["## Browser", "", acquisition, "", cold, "", scraping, "", blocking].join("\n");
  } finally {
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Acquisition

type Acquirer = { name: string; run: (url: string) => Promise<{ readyMs: number; closeMs: number }> };

const acquirers: Acquirer[] = [
  {
    name: "openBrowser + withPage (default: images/media/fonts blocked)",
    run: (url) => viaLib(url, undefined),
  },
  {
    name: "openBrowser + withPage (blockResources: [])",
    run: (url) => viaLib(url, []),
  },
  {
    name: "bare chromium.launch + newPage (baseline)",
    run: async (url) => {
      const started = performance.now();
      const browser = await chromium.launch({ executablePath: await Sparticuz.executablePath(), args: Sparticuz.args, headless: true });
      try {
        const page = await browser.newPage();
        await page.goto(url);
        const readyMs = performance.now() - started;
        const closing = performance.now();
        await browser.close();
        return { readyMs, closeMs: performance.now() - closing };
      } finally {
        await browser.close().catch(() => {});
      }
    },
  },
];

async function viaLib(url: string, blockResources: readonly ResourceType[] | undefined): Promise<{ readyMs: number; closeMs: number }> {
  const started = performance.now();
  const session = await openBrowser({ provider: sparticuzProvider(), logger: silentLogger, ...(blockResources ? { blockResources } : {}) });
  try {
    await session.withPage("bench", (page) => page.goto(url));
    const readyMs = performance.now() - started;
    const closing = performance.now();
    await session.close();
    return { readyMs, closeMs: performance.now() - closing };
  } finally {
    await session.close();
  }
}

async function benchAcquisition(server: AssetServer): Promise<string> {
  const url = `${server.url}/tiny`;
  for (const a of acquirers) await a.run(url); // warm-up: page cache, V8 code of both paths
  const loadBefore = loadavg()[0] ?? 0;
  const ready = acquirers.map(() => [] as number[]);
  const close = acquirers.map(() => [] as number[]);
  for (let i = 0; i < ACQUIRE_ITERATIONS; i++) {
    // Rotate the order every iteration so drift (thermal, page cache) hits every variant alike.
    for (let k = 0; k < acquirers.length; k++) {
      const index = (i + k) % acquirers.length;
      const result = await acquirers[index]!.run(url);
      ready[index]!.push(result.readyMs);
      close[index]!.push(result.closeMs);
    }
  }
  const load = loadNote(loadBefore);
  const baseline = summarise(ready[acquirers.length - 1]!).medianMs;
  const baselineMin = Math.min(...ready[acquirers.length - 1]!);
  const rows = acquirers.map((a, i) => {
    const r = summarise(ready[i]!);
    const c = summarise(close[i]!);
    const min = Math.min(...ready[i]!);
    return [a.name, `${r.medianMs} / ${r.p95Ms}`, round(min), `${(r.medianMs / baseline).toFixed(2)}×`, `${(min / baselineMin).toFixed(2)}×`, `${c.medianMs}`];
  });
  const ratio = summarise(ready[0]!).medianMs / baseline;
  return [
    "### Acquisition: launch to the first usable page (warm, binary already unpacked)",
    "",
    `Method: each variant launches the bundled @sparticuz/chromium ${Sparticuz.args.includes("--single-process") ? "(--single-process) " : ""}and navigates one page to a tiny local HTML page ` +
      `(127.0.0.1, ~100 bytes); the clock stops when page.goto resolves. ${ACQUIRE_ITERATIONS} iterations per variant after one warm-up each, ` +
      "the variants rotated every iteration; median / p95. lib/browser adds launchServer + a 127.0.0.1 WebSocket connect (for a killable pid), " +
      "its flag changes (offline flags on, unsafe flags off), a new context with service workers blocked, and the request-blocking route. " +
      "Close is measured separately (lib: graceful close + profile-dir removal; bare: browser.close()). " +
      `The minimum is the least noise-sensitive estimate of the intrinsic cost on a shared machine. ${load}`,
    "",
    table(["variant", "ready ms (median / p95)", "ready ms (min)", "ratio to bare (median)", "ratio to bare (min)", "close ms (median)"], rows),
    "",
    `Ratio openBrowser (default) / bare = **${ratio.toFixed(2)}** by median, ${(Math.min(...ready[0]!) / baselineMin).toFixed(2)} by minimum (target ≤ 1.10).`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// 1b. Cold start in a fresh process, with and without the brotli unpack

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
      { cwd: new URL("..", import.meta.url).pathname, env: { ...process.env, TMPDIR: tmp, BENCH_URL: url }, timeout: 120_000, maxBuffer: 1 << 20 },
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

async function benchColdStart(server: AssetServer): Promise<string> {
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
  const row = (name: string, list: ColdResult[]) => [
    name,
    median(list, (r) => r.importMs),
    median(list, (r) => r.unpackMs),
    median(list, (r) => r.launchMs),
    round(median(list, (r) => r.importMs + r.unpackMs + r.launchMs)),
    median(list, (r) => r.processMs),
  ];
  const unpackShare = median(packed, (r) => r.unpackMs) / median(packed, (r) => r.importMs + r.unpackMs + r.launchMs);
  return [
    "### Cold start in a fresh process (brotli unpack included)",
    "",
    `Method: a fresh \`node\` child (empty module cache, no tsx) imports @sparticuz/chromium and playwright-core, calls executablePath(), ` +
      `launches with Sparticuz.args and navigates one page to the same tiny page. "packed": the child gets a new empty TMPDIR, so ` +
      "executablePath() inflates chromium.br, fonts.tar.br and swiftshader.tar.br from node_modules (the .br files are in the OS page cache after the first run; " +
      "on a fresh function instance they may be read from disk). \"unpacked\": the child uses the shared tmpdir where the binary already exists. " +
      `${COLD_RUNS} runs each, alternating, median ms. "child total" includes node's own start-up and process exit.`,
    "",
    table(["cold start", "import ms", "executablePath() ms", "launch → page ms", "sum ms", "child total ms"], [row("packed (unpack needed)", packed), row("unpacked (binary present)", unpacked)]),
    "",
    `The unpack is ${Math.round(unpackShare * 100)}% of a packed cold start to the first page; a warm instance never pays it again (executablePath() returns the existing binary).`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// 2. Scraping metrics: sequential vs parallel pages in one browser

interface ScrapeEntry { wallMs: number[]; peakKb: number[]; idleKb: number[]; processes: number; wrong: number }

async function benchScraping(): Promise<string> {
  const sandbox = await createSandbox();
  const loadBefore = loadavg()[0] ?? 0;
  try {
    const seeded = sandbox.seed({
      posts: Array.from({ length: TWEETS }, (_, i) => ({
        text: `Benchmark tweet ${i} about edge functions`,
        metrics: { likes: 10 + i * 7, replies: i % 9, reposts: 2 * i, bookmarks: i % 5, views: 1_000 + i * 131 },
      })),
    });
    const expected = new Map(seeded.map((p) => [p.id, p.metrics]));
    const ids = [...expected.keys()];
    const site: XSite = { baseUrl: sandbox.url, user: sandbox.user, typing: "fill" };
    const rows: (string | number)[][] = [];
    for (const pageDelayMs of [0, PAGE_DELAY_MS]) {
      // The sandbox's `slow` fault without a count delays every HTML page response.
      sandbox.setFault(pageDelayMs > 0 ? { kind: "slow", ms: pageDelayMs } : null);
      const results = new Map<number, ScrapeEntry>(PARALLEL.map((n) => [n, { wallMs: [], peakKb: [], idleKb: [], processes: 0, wrong: 0 }]));
      for (let round = 0; round < SCRAPE_ROUNDS; round++) {
        for (const n of round % 2 === 0 ? PARALLEL : [...PARALLEL].reverse()) {
          await scrapeOnce(sandbox.storageState(), site, ids, n, expected, results.get(n)!);
        }
      }
      const sequential = summarise(results.get(1)!.wallMs).medianMs;
      for (const n of PARALLEL) {
        const r = results.get(n)!;
        const wall = summarise(r.wallMs).medianMs;
        rows.push([
          pageDelayMs === 0 ? "loopback" : `+${pageDelayMs} ms per page`,
          n === 1 ? "1 (sequential)" : String(n),
          wall,
          round((TWEETS * 1000) / wall),
          `${(sequential / wall).toFixed(2)}×`,
          Math.round(Math.max(...r.idleKb) / 1024),
          Math.round(Math.max(...r.peakKb) / 1024),
          r.processes,
          `${TWEETS * SCRAPE_ROUNDS - r.wrong}/${TWEETS * SCRAPE_ROUNDS}`,
        ]);
      }
    }
    sandbox.setFault(null);
    return [
      `### Reading metrics of ${TWEETS} tweets: sequential vs N parallel pages in one browser`,
      "",
      `Method: the sandbox x.com (127.0.0.1) is seeded with ${TWEETS} tweets with fixed metrics; one openBrowser session (bundled Chromium, ` +
        "--single-process, default request blocking, the sandbox session cookies) reads every tweet with lib/x readMetrics, one withPage (a fresh page) per tweet, " +
        `N pages at a time from a shared work list. A fresh browser per (link, N, round) after one warm-up read; ${SCRAPE_ROUNDS} rounds with the N order reversed every round; ` +
        "wall time is the median. RSS is VmRSS from /proc summed over the Chromium pid and its descendants, sampled every 50 ms during the reads " +
        "(\"processes\" = most processes seen: with --single-process the renderer lives in the browser process), max over rounds. " +
        `Every read is checked against the seeded metrics. The "+${PAGE_DELAY_MS} ms per page" rows delay every HTML page at the sandbox ` +
        "(its `slow` fault) to model x.com's server time plus a WAN round trip; on loopback the work is CPU-bound (Playwright round trips and the one " +
        `Chromium process), so parallel pages can only help where there is waiting to overlap. This machine has ${cpus().length} cores; a Vercel function has 1-2 vCPUs. ${loadNote(loadBefore)}`,
      "",
      table(["link", "pages in parallel (N)", "wall ms (median)", "tweets/s", "speed-up vs sequential", "idle RSS MiB", "peak RSS MiB (max)", "processes", "correct reads"], rows),
    ].join("\n");
  } finally {
    await sandbox.close();
  }
}

/** One (N, round): a fresh browser, a warm-up read, then all tweets N at a time, sampled for RSS. */
async function scrapeOnce(
  storageState: StorageState,
  site: XSite,
  ids: readonly string[],
  n: number,
  expected: Map<string, { likes: number; replies: number; reposts: number; bookmarks: number; views: number }>,
  entry: ScrapeEntry,
): Promise<void> {
  const session = await openBrowser({ provider: sparticuzProvider(), logger: silentLogger, storageState });
  try {
    await session.withPage("warm-up", (page) => readMetrics(page, site, ids[0]!));
    const pid = session.process()?.pid;
    if (pid === undefined) throw new Error("the sparticuz provider reported no pid");
    entry.idleKb.push(treeRss(pid).kb);
    const sampler = sampleRss(pid);
    const started = performance.now();
    const read = await readAll(session, site, ids, n);
    entry.wallMs.push(performance.now() - started);
    const peak = sampler.stop();
    entry.peakKb.push(peak.kb);
    entry.processes = Math.max(entry.processes, peak.processes);
    for (const [id, m] of read) {
      const want = expected.get(id)!;
      const same = m.likes === want.likes && m.replies === want.replies && m.reposts === want.reposts && m.bookmarks === want.bookmarks && m.views === want.views;
      if (!same) entry.wrong += 1;
    }
    entry.wrong += ids.length - read.size;
  } finally {
    await session.close();
  }
}

async function readAll(session: BrowserSession, site: XSite, ids: readonly string[], parallel: number) {
  const out = new Map<string, Awaited<ReturnType<typeof readMetrics>>>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const id = ids[next++];
      if (id === undefined) return;
      out.set(id, await session.withPage("metrics", (page) => readMetrics(page, site, id)));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out;
}

/** VmRSS (KiB) of `pid` plus its descendants, and how many processes that was. */
function treeRss(pid: number): { kb: number; processes: number } {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = safeRead(`/proc/${entry}/stat`);
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (Number.isFinite(ppid)) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  let kb = 0;
  let processes = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift()!;
    const rss = /VmRSS:\s+(\d+)\s+kB/.exec(safeRead(`/proc/${current}/status`))?.[1];
    if (rss !== undefined) {
      kb += Number(rss);
      processes += 1;
    }
    queue.push(...(children.get(current) ?? []));
  }
  return { kb, processes };
}

function sampleRss(pid: number): { stop(): { kb: number; processes: number } } {
  let peak = treeRss(pid);
  const timer = setInterval(() => {
    const now = treeRss(pid);
    if (now.kb > peak.kb) peak = now;
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      const last = treeRss(pid);
      return last.kb > peak.kb ? last : peak;
    },
  };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Request blocking on vs off

async function benchBlocking(server: AssetServer): Promise<string> {
  const variants = [
    { name: "blocking on (image, media, font)", block: undefined as readonly ResourceType[] | undefined },
    { name: "blocking off", block: [] as readonly ResourceType[] },
  ];
  const rows: (string | number)[][] = [];
  const results: Record<string, { ms: number; bytes: number }> = {};
  const loadBefore = loadavg()[0] ?? 0;
  for (const delayMs of [0, WAN_DELAY_MS]) {
    server.setDelay(delayMs);
    const sessions = await Promise.all(variants.map((v) => openBrowser({ provider: sparticuzProvider(), logger: silentLogger, ...(v.block ? { blockResources: v.block } : {}) })));
    try {
      const samples = variants.map(() => ({ ms: [] as number[], bytes: [] as number[], requests: [] as number[] }));
      for (let i = -1; i < BLOCK_ITERATIONS; i++) {
        for (let k = 0; k < variants.length; k++) {
          const index = (i + 1 + k) % variants.length;
          const before = server.counters();
          const started = performance.now();
          await sessions[index]!.withPage("assets", (page) => page.goto(`${server.url}/page?i=${i}-${index}-${delayMs}`, { waitUntil: "load" }));
          const ms = performance.now() - started;
          const after = server.counters();
          if (i < 0) continue; // warm-up
          samples[index]!.ms.push(ms);
          samples[index]!.bytes.push(after.bytes - before.bytes);
          samples[index]!.requests.push(after.requests - before.requests);
        }
      }
      variants.forEach((v, index) => {
        const s = samples[index]!;
        const ms = summarise(s.ms).medianMs;
        const bytes = summarise(s.bytes).medianMs;
        results[`${delayMs}:${index}`] = { ms, bytes };
        const stats = sessions[index]!.stats();
        rows.push([
          delayMs === 0 ? "loopback" : `+${delayMs} ms per response`,
          v.name,
          summarise(s.requests).medianMs,
          Math.round(bytes / 1024),
          ms,
          Math.round(stats.requestsBlocked / (BLOCK_ITERATIONS + 1)),
        ]);
      });
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
    }
  }
  server.setDelay(0);
  const ratio = (delay: number, field: "ms" | "bytes") => results[`${delay}:0`]![field] / results[`${delay}:1`]![field];
  return [
    `### Request blocking on vs off (${IMAGES} images + ${FONTS} web fonts of ${ASSET_BYTES / 1024} KiB each)`,
    "",
    `Method: one local page (127.0.0.1) with ${IMAGES} <img> and ${FONTS} @font-face fonts used by visible text; every asset is ${ASSET_BYTES / 1024} KiB with ` +
      "Cache-Control: no-store and a per-load query string, so nothing is served from cache. Bytes and requests are counted at the server " +
      `(response bodies, HTML included) per load; time is page.goto until the load event. One session per variant, ${BLOCK_ITERATIONS} loads each after one warm-up, ` +
      `variants alternating; medians. The "+${WAN_DELAY_MS} ms" rows delay every response at the server to model a WAN round trip (loopback has none).`,
    "",
    table(["link", "variant", "requests / load", "KiB served / load", "ms to load (median)", "requests blocked / load"], rows),
    "",
    `Blocking on / off: bytes served ${pct(ratio(0, "bytes"))}, time to load ${pct(ratio(0, "ms"))} on loopback and ` +
      `${pct(ratio(WAN_DELAY_MS, "ms"))} with +${WAN_DELAY_MS} ms per response. ${loadNote(loadBefore)}`,
  ].join("\n");
}

/** "x.y%" with one decimal. */
function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** The 1-minute load average before and now, against the core count (other work skews wall times). */
function loadNote(before: number): string {
  return `Load average (1 min) ${before.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)} on ${cpus().length} cores during this section.`;
}

// ---------------------------------------------------------------------------------------------
// Local page server

interface AssetServer {
  readonly url: string;
  counters(): { bytes: number; requests: number };
  setDelay(ms: number): void;
  close(): Promise<void>;
}

async function startAssetServer(): Promise<AssetServer> {
  const asset = randomBytes(ASSET_BYTES);
  let bytes = 0;
  let requests = 0;
  let delayMs = 0;
  const page = (query: string): string => {
    const faces = Array.from({ length: FONTS }, (_, f) => `@font-face{font-family:F${f};src:url(/font/${f}.woff2?${query}) format("woff2")}`).join("");
    const texts = Array.from({ length: FONTS }, (_, f) => `<p style="font-family:F${f}">Text in font ${f}</p>`).join("");
    const images = Array.from({ length: IMAGES }, (_, i) => `<img src="/img/${i}.png?${query}" width="40" height="40">`).join("");
    return `<!doctype html><html><head><title>assets</title><style>${faces}</style></head><body><h1>assets</h1>${texts}${images}</body></html>`;
  };
  const send = (res: ServerResponse, type: string, body: Buffer | string): void => {
    const length = Buffer.byteLength(body);
    bytes += length;
    res.writeHead(200, { "content-type": type, "content-length": length, "cache-control": "no-store" }).end(body);
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    requests += 1;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const respond = (): void => {
      if (url.pathname === "/tiny") return send(res, "text/html", "<!doctype html><html><head><title>tiny</title></head><body>ok</body></html>");
      if (url.pathname === "/page") return send(res, "text/html", page(url.search.slice(1)));
      if (url.pathname.startsWith("/img/")) return send(res, "image/png", asset);
      if (url.pathname.startsWith("/font/")) return send(res, "font/woff2", asset);
      res.writeHead(404).end();
    };
    if (delayMs > 0) setTimeout(respond, delayMs);
    else respond();
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counters: () => ({ bytes, requests }),
    setDelay: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
