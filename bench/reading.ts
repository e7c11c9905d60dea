/**
 * Reading X: the metrics of our 50 most recent posts, read the way the metrics job reads them
 * now (ONE visit to our profile, counts from its UserTweets GraphQL answers while it scrolls)
 * against the way it read them before (one status page per post, 3 pages in parallel). Side
 * by side in one run, fresh browser per measurement, order alternated every round.
 */
import { loadavg } from "node:os";
import Sparticuz from "@sparticuz/chromium";
import type { Page } from "playwright-core";
import { openBrowser, sparticuzProvider, type BrowserSession } from "../lib/browser/index.js";
import { createSandbox, type Sandbox } from "../lib/dev/sandbox/index.js";
import { silentLogger } from "../lib/log.js";
import { readMetrics, recentTimeline, type TweetMetrics, type XSite } from "../lib/x/index.js";
import { loadNote } from "./browser/notes.js";
import { sampleRss } from "./browser/rss.js";
import { round, summarise, table } from "./lib/measure.js";

const POSTS = 50;
const ROUNDS = 4;
const PARALLEL = 3;

type Path = "profile" | "pages";
interface Sample {
  wallMs: number;
  pageLoads: number;
  graphqlAnswers: number;
  peakKb: number;
  correct: number;
}

/** Counts document loads (page loads) and GraphQL answers of every page a session opens. */
function counting(session: BrowserSession, counts: { pageLoads: number; graphqlAnswers: number }) {
  return <T>(op: string, fn: (page: Page) => Promise<T>): Promise<T> =>
    session.withPage(op, (page) => {
      page.on("request", (r) => {
        if (r.resourceType() === "document" && r.frame() === page.mainFrame()) counts.pageLoads++;
      });
      page.on("response", (r) => {
        if (r.url().includes("/i/api/graphql/")) counts.graphqlAnswers++;
      });
      return fn(page);
    });
}

async function readVia(path: Path, withPage: ReturnType<typeof counting>, site: XSite, ids: readonly string[], since: Date): Promise<Map<string, TweetMetrics>> {
  if (path === "profile") {
    const read = await withPage("metrics:profile", (page) => recentTimeline(page, site, site.user, { max: 200, since }));
    return new Map(read.tweets.flatMap((t) => (t.metrics ? [[t.id, t.metrics] as const] : [])));
  }
  const out = new Map<string, TweetMetrics>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let id = ids[next++]; id !== undefined; id = ids[next++]) out.set(id, await withPage("metrics", (page) => readMetrics(page, site, id)));
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return out;
}

async function measure(sandbox: Sandbox, path: Path, site: XSite, expected: Map<string, TweetMetrics["likes"][]>, since: Date): Promise<Sample> {
  const session = await openBrowser({ provider: sparticuzProvider(), logger: silentLogger, storageState: sandbox.storageState() });
  try {
    await session.withPage("warm-up", (page) => page.goto(`${site.baseUrl}/home`));
    const counts = { pageLoads: 0, graphqlAnswers: 0 };
    const pid = session.process()?.pid;
    if (pid === undefined) throw new Error("the sparticuz provider reported no pid");
    const sampler = sampleRss(pid);
    const started = performance.now();
    const read = await readVia(path, counting(session, counts), site, [...expected.keys()], since);
    const wallMs = performance.now() - started;
    const peak = sampler.stop();
    const correct = [...expected].filter(([id, want]) => {
      const m = read.get(id);
      return m !== undefined && JSON.stringify([m.likes, m.replies, m.reposts, m.bookmarks, m.views]) === JSON.stringify(want);
    }).length;
    return { wallMs, ...counts, peakKb: peak.kb, correct };
  } finally {
    await session.close();
  }
}

/** Runs the comparison and returns its markdown section. */
export async function benchReading(): Promise<string> {
  await Sparticuz.executablePath();
  const sandbox = await createSandbox();
  const loadBefore = loadavg()[0] ?? 0;
  try {
    const t0 = Date.now() - POSTS * 3_600_000;
    const seeded = sandbox.seed({
      posts: Array.from({ length: POSTS }, (_, i) => ({
        text: `Benchmark post ${i} about edge functions and cold starts`,
        createdAtMs: t0 + i * 3_600_000,
        metrics: { likes: 10 + i * 37, replies: i % 9, reposts: 2 * i, bookmarks: (i * 7) % 23, views: 1_000 + i * 1_311 },
      })),
    });
    const expected = new Map(seeded.map((p) => [p.id, [p.metrics.likes, p.metrics.replies, p.metrics.reposts, p.metrics.bookmarks, p.metrics.views]]));
    const site: XSite = { baseUrl: sandbox.url, user: sandbox.user, typing: "fill" };
    const since = new Date(t0 - 60_000);
    const samples: Record<Path, Sample[]> = { profile: [], pages: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const path of (r % 2 === 0 ? ["profile", "pages"] : ["pages", "profile"]) as Path[]) samples[path].push(await measure(sandbox, path, site, expected, since));
    }
    return render(samples, loadBefore);
  } finally {
    await sandbox.close();
  }
}

function render(samples: Record<Path, Sample[]>, loadBefore: number): string {
  const median = (path: Path, key: keyof Sample) => summarise(samples[path].map((s) => s[key])).medianMs;
  const row = (path: Path, label: string) => [
    label,
    median(path, "pageLoads"),
    median(path, "graphqlAnswers"),
    round(median(path, "wallMs")),
    Math.round(Math.max(...samples[path].map((s) => s.peakKb)) / 1024),
    `${Math.min(...samples[path].map((s) => s.correct))}/${POSTS}`,
  ];
  const ratio = (key: keyof Sample) => (median("pages", key) / Math.max(1, median("profile", key))).toFixed(1);
  return [
    "## Reading X: metrics of 50 recent posts",
    "",
    `Method: the sandbox x.com (127.0.0.1; an app shell that renders from GraphQL like x.com) holds ${POSTS} posts of ours, one an hour, with fixed counts. ` +
      '"profile" is what the metrics job does now: one visit to our profile, counts taken from its UserTweets answers (about 20 posts each) while it scrolls back to the oldest post. ' +
      `"per-post pages" is what it did before: one status page per post (readMetrics), ${PARALLEL} pages at a time in one browser. ` +
      `Each measurement opens a fresh browser (bundled Chromium, default request blocking) and loads /home once before the clock starts; ${ROUNDS} rounds, the order alternated every round; medians. ` +
      "Page loads are main-frame document requests; GraphQL answers are responses under /i/api/graphql/. Peak RSS is the Chromium process tree's VmRSS sampled every 50 ms, max over rounds. " +
      `Every reading is checked against the seeded counts. On x.com each page load also costs the site's own time and a WAN round trip, so the page-load ratio carries over better than the wall-time ratio. ${loadNote(loadBefore)}`,
    "",
    table(["path", "page loads", "GraphQL answers", "wall ms", "peak RSS MiB", "correct"], [row("profile", "profile (UserTweets GraphQL)"), row("pages", `per-post pages (${PARALLEL} in parallel)`)]),
    "",
    `Ratios (per-post ÷ profile): ${ratio("pageLoads")}× the page loads, ${ratio("wallMs")}× the wall time.`,
  ].join("\n");
}
