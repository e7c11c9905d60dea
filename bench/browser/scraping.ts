/**
 * Section 2: reading the metrics of the sandbox tweets sequentially vs N parallel pages in one
 * browser (wall time, speed-up, peak RSS of the Chromium process).
 */
import { cpus, loadavg } from "node:os";
import { openBrowser, sparticuzProvider, type BrowserSession, type StorageState } from "../../lib/browser/index.js";
import { createSandbox } from "../../lib/dev/sandbox/index.js";
import { silentLogger } from "../../lib/log.js";
import { readMetrics, type XSite } from "../../lib/x/index.js";
import { round, summarise, table } from "../lib/measure.js";
import { loadNote } from "./notes.js";
import { sampleRss, treeRss } from "./rss.js";

const TWEETS = 50;
const PARALLEL = [1, 2, 4, 8] as const;
const SCRAPE_ROUNDS = 3;
const PAGE_DELAY_MS = 150;

interface ScrapeEntry {
  wallMs: number[];
  peakKb: number[];
  idleKb: number[];
  processes: number;
  wrong: number;
}

/** Seeds the sandbox, reads every tweet at each N on loopback and with a page delay, and returns the markdown subsection. */
export async function benchScraping(): Promise<string> {
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
        '("processes" = most processes seen: with --single-process the renderer lives in the browser process), max over rounds. ' +
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
