/**
 * End to end: from a cron tick (GET /api/jobs/post with the cron secret, a fresh runtime
 * per request as on Vercel) to the post on the sandbox X site, with real Postgres (Neon
 * HTTP shim), state in Postgres, a cold Chromium per invocation. Peak RSS of this process
 * and of Chromium is sampled from /proc every 20 ms during each tick.
 */
import { readFileSync } from "node:fs";
import { createSandbox } from "../lib/dev/sandbox/index.js";
import { loadConfig } from "../lib/config.js";
import { enqueue } from "../lib/db/queue.js";
import { openBrowser, sparticuzProvider } from "../lib/browser/index.js";
import { createRuntime } from "../lib/runtime/root.js";
import { jobRoute } from "../lib/runtime/http/job-route.js";
import { post } from "../lib/jobs/post.js";
import type { BenchServices } from "./lib/services.js";
import { round, summarise, table } from "./lib/measure.js";

const TICKS = 8;
const SECRET = "bench-cron-secret-0123456789";

function rssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("VmRSS:"));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs the benchmark and returns its markdown section. */
export async function benchTickToPost(services: BenchServices): Promise<string> {
  const sandbox = await createSandbox();
  const { sql, url } = await services.postgresDatabase();
  const config = loadConfig({
    DATABASE_URL: url,
    XBOT_NEON_HTTP_URL: services.neon.sqlUrl,
    CRON_SECRET: SECRET,
    XBOT_PREFIX: "benche2e",
    XBOT_X_BASE_URL: sandbox.url,
    XBOT_X_USER: sandbox.user,
    XBOT_TYPING: "fill",
    XBOT_LOG_LEVEL: "error",
    XBOT_CAPS: JSON.stringify({ postsPerHour: 1000, minGapMinutes: 0, ramp: [1000] }),
  });
  let chromiumPid = 0;
  const factory = () =>
    createRuntime({
      config,
      jobs: [post],
      logSink: () => {},
      openBrowser: async ({ log }) => {
        const session = await openBrowser({ provider: sparticuzProvider(), storageState: sandbox.storageState(), logger: log });
        chromiumPid = session.process()?.pid ?? 0;
        return session;
      },
    });
  const { GET } = jobRoute("post", factory);
  const times: number[] = [];
  let peakNode = 0;
  let peakChromium = 0;
  try {
    for (let i = 0; i < TICKS + 1; i++) {
      await enqueue(sql, { accountId: "default", kind: "single", tweets: [`bench tick ${i} ${Date.now()}`], source: "manual", dueAt: new Date(Date.now() - 1000) });
      const sampler = setInterval(() => {
        peakNode = Math.max(peakNode, rssMb(process.pid));
        if (chromiumPid) peakChromium = Math.max(peakChromium, rssMb(chromiumPid));
      }, 20);
      const started = performance.now();
      const response = await GET(new Request("http://bench/api/jobs/post", { headers: { authorization: `Bearer ${SECRET}` } }));
      const body = (await response.json()) as { summary?: { posted?: number } };
      clearInterval(sampler);
      if (body.summary?.posted !== 1) throw new Error(`tick ${i} did not post: ${JSON.stringify(body)}`);
      if (i > 0) times.push(performance.now() - started);
    }
  } finally {
    await sandbox.close();
  }
  const t = summarise(times);
  return [
    "## End to end: cron tick to post on the sandbox",
    "",
    `Method: ${TICKS} ticks after one warm-up (the warm-up pays the one-time brotli unpack of Chromium and the migration check). Each tick is an in-process \`GET /api/jobs/post\` with the cron secret through the real route: a fresh runtime (config, clients), admission, a cold Chromium launch, the post through the sandbox UI with the id from CreateTweet, the receipt, settlement and the job_runs row. Peak RSS is sampled every 20 ms from /proc for this Node process and the Chromium process (single-process mode).`,
    "",
    table(
      ["metric", "value"],
      [
        ["tick to post, median ms", t.medianMs],
        ["tick to post, p95 ms", t.p95Ms],
        ["peak RSS, Node process MB", round(peakNode)],
        ["peak RSS, Chromium MB", round(peakChromium)],
      ],
    ),
  ].join("\n");
}
