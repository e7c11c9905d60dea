/**
 * docs/scale.md from the measured days of bench/accounts.ts: the measured account counts as
 * they are, the others extrapolated by a straight line through the two largest measured ones
 * (fixed per-day cost + cost per account), each cell marked which it is.
 */
import os from "node:os";
import { opensBrowser } from "../lib/jobs/job.js";
import { SPECS } from "../lib/jobs/specs.js";
import { BROWSER_MEMORY_MB } from "../lib/deploy/vercel-config.js";

/** What one simulated day measured. */
export interface DayMeasure {
  readonly accounts: number;
  /** XBOT_BROWSER_SLOTS of that day. */
  readonly slots: number;
  readonly ticks: number;
  readonly tickMs: number;
  readonly published: number;
  readonly byJob: Record<string, number>;
  readonly deliveries: number;
  readonly deliveryFailures: number;
  readonly batchRequests: number;
  readonly runMs: Record<string, number>;
  readonly runs: { job: string; status: string; n: number }[];
  readonly rowsInserted: number;
  readonly stateRoundTrips: number;
  readonly dbRoundTrips: number;
  readonly wallS: number;
}

const SIZES = [1, 10, 100, 1000];
/** Vercel's default function memory (non-browser functions set none: vercel-config.ts). */
const DEFAULT_MEMORY_MB = 2048;
/** Assumed: one production browser run (cold Chromium, a page or two) in seconds; the sandbox's warm median is 0.67 s (docs/benchmarks.md). */
const BROWSER_RUN_S = 5;
/** Measured: logged-in page loads per account per day at the defaults (docs/benchmarks.md, "Logged-in visits to X in a simulated day", after). */
const X_VISITS = 30;
/** Measured pace of one account's rows written by job bodies (tests/support/history-seed.ts: two years ≈ 100k items, 140k posts, 290k snapshots, 60k candidates). */
const BODY_ROWS = Math.round((100_000 * 2 + 140_000 + 290_000 + 60_000) / 730);

const memoryOf = (job: string) => (opensBrowser(SPECS.find((s) => s.name === job)!) ? BROWSER_MEMORY_MB : DEFAULT_MEMORY_MB) / 1024;
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : String(Math.round(n * 100) / 100));

/**
 * The per-day figures of one simulated day. GB-seconds take each job's time per run from the
 * uncontended smallest day (`base`): at 10 accounts, 10 runs share this machine's 2 cores,
 * while on Vercel each delivery is its own function.
 */
function figures(m: DayMeasure, base: DayMeasure): Record<string, number> {
  const perRunS = (job: string) => (base.runMs[job] ?? 0) / 1000 / Math.max(1, base.byJob[job] ?? 1);
  const runnerGbS = Object.entries(m.byJob).reduce((sum, [job, n]) => sum + n * perRunS(job) * memoryOf(job), 0) + (m.tickMs / 1000) * (DEFAULT_MEMORY_MB / 1024);
  return {
    messages: m.published,
    invocations: m.ticks + m.deliveries,
    runnerGbS,
    bodyGbS: m.accounts * X_VISITS * BROWSER_RUN_S * (BROWSER_MEMORY_MB / 1024),
    jobRuns: m.runs.reduce((s, r) => s + r.n, 0),
    rows: m.rowsInserted + m.accounts * BODY_ROWS,
    state: m.stateRoundTrips,
    db: m.dbRoundTrips,
  };
}

/** Each figure at every size: measured where simulated, else the line through the two largest measured sizes. */
function table(measured: readonly DayMeasure[]): { size: number; measured: boolean; f: Record<string, number> }[] {
  const sorted = [...measured].sort((a, b) => a.accounts - b.accounts);
  const [p, q] = sorted.length > 1 ? sorted.slice(-2) : [sorted[0]!, sorted[0]!];
  const base = sorted[0]!;
  const fp = figures(p!, base);
  const fq = figures(q!, base);
  return SIZES.map((size) => {
    const hit = sorted.find((m) => m.accounts === size);
    if (hit) return { size, measured: true, f: figures(hit, base) };
    const f: Record<string, number> = {};
    for (const k of Object.keys(fq)) {
      const per = q!.accounts === p!.accounts ? fq[k]! / q!.accounts : (fq[k]! - fp[k]!) / (q!.accounts - p!.accounts);
      f[k] = Math.max(0, fq[k]! + per * (size - q!.accounts));
    }
    return { size, measured: false, f };
  });
}

const ROWS: [string, string][] = [
  ["messages", "QStash messages published per day (one per account per tick)"],
  ["invocations", "function invocations per day (cron ticks + deliveries)"],
  ["runnerGbS", "GB-seconds per day, fan-out and runner (runs × each job's measured time per run at 1 account × memory)"],
  ["bodyGbS", `GB-seconds per day, browser job bodies (${X_VISITS} browser runs per account × ${BROWSER_RUN_S} s assumed × ${BROWSER_MEMORY_MB} MB)`],
  ["jobRuns", "job_runs rows per day"],
  ["rows", `database rows written per day (runner measured + ${BODY_ROWS} per account by job bodies)`],
  ["state", "state round trips per day (runner and fan-out; measured at the Upstash shim)"],
  ["db", "database round trips per day (runner and fan-out; measured at the Neon HTTP shim)"],
];

/** The markdown of docs/scale.md. */
export function scaleDoc(measured: readonly DayMeasure[], defaultSlots: DayMeasure | null): string {
  const t = table(measured);
  const head = `| per simulated day | ${t.map((c) => `${c.size} account${c.size > 1 ? "s" : ""} ${c.measured ? "(measured)" : "(extrapolated)"}`).join(" | ")} |`;
  const lines = [head, `| --- | ${t.map(() => "---").join(" | ")} |`, ...ROWS.map(([k, label]) => `| ${label} | ${t.map((c) => fmt(c.f[k]!)).join(" | ")} |`)];
  const msgs = (n: number) => t.find((c) => c.size === n)!.f.messages!;
  const usd = (n: number) => fmt((msgs(n) * 30) / 100_000);
  const m0 = measured[measured.length - 1]!;
  return [
    "# Scale: 1, 10, 100 and 1,000 accounts",
    "",
    "Written by `npm run bench:accounts` (bench/accounts.ts, bench/accounts-doc.ts); do not edit by hand.",
    "",
    "## Method",
    "",
    `XBOT_BROWSER_SLOTS is set to the number of accounts in these days (see below for the default of 2). A simulated day (24 h of a moved clock, every job's cron tick: ${m0.ticks} ticks) at ${measured.map((m) => m.accounts).join(" and ")} account${measured.length > 1 ? "s" : ""}: the real job route on real Postgres (through the Neon HTTP shim) and Redis (through the Upstash shim), each tick fanned out by the real @upstash/qstash client (\`batchJSON\`) to the QStash shim, which delivers every account's message, signed, over HTTP to the real route, where the real runner admits, runs and records it (flow control per account for X jobs). The job bodies are no-ops with the real specs, so the measured figures are the fan-out's and the runner's per account; what the bodies add comes from measured figures elsewhere: ${X_VISITS} logged-in X page loads per account per day (docs/benchmarks.md, "Logged-in visits to X in a simulated day"), ${BODY_ROWS} rows per account per day at the bot's pace (tests/support/history-seed.ts). The 100 and 1,000 columns are extrapolated: a straight line through the two largest measured sizes (a fixed per-day part plus a part per account). Memory: ${BROWSER_MEMORY_MB} MB for functions that open a browser (vercel.json), ${DEFAULT_MEMORY_MB} MB (Vercel's default) for the others. Loopback hides network latency: on Vercel each round trip adds the region RTT, so real GB-seconds of the runner are higher.`,
    "",
    ...lines,
    "",
    `Messages by job (largest measured size, ${m0.accounts} accounts): ${Object.entries(m0.byJob)
      .map(([j, n]) => `${j} ${n}`)
      .join(", ")}. Deliveries that did not answer 200: ${m0.deliveryFailures}. Wall time of that simulated day: ${fmt(m0.wallS)} s.`,
    "",
    ...(defaultSlots ? [slotsFinding(defaultSlots), ""] : []),
    "## Against the plans",
    "",
    `QStash (https://upstash.com/docs/qstash/overall/pricing, read 2026-12-02): the free plan allows 1,000 messages a day, so it carries ONE account (${fmt(msgs(1))} a day); pay as you go is $1 per 100K messages with no daily cap (10 accounts ≈ $${usd(10)} a month, 100 ≈ $${usd(100)}, 1,000 ≈ $${usd(1000)}); the fixed 1M plan ($180 a month, 1M a day) holds 1,000 accounts. Each delivery attempt is billed, so retries count. Without QStash the in-function fan-out needs no messages, but one function serves the accounts in turn: at the measured runner cost nothing-to-do runs fit by the hundreds in a tick, while runs that open a browser (about ${BROWSER_RUN_S} s each) fit about ${Math.floor((240 - 30) / BROWSER_RUN_S)} in the post job's 240 s, and fewer when X is slow; unreached accounts are carried over and doctor and /api/status say when QStash is needed.`,
    "",
    "## What grows, and where the design stops scaling",
    "",
    "- Per tick, the fan-out reads every account row (listAccounts: N rows per tick, ~" +
      m0.ticks +
      " ticks a day) and, without QStash, one job_runs_decided probe per account (lastServed). Every per-run query is keyed by account (the existing indexes lead with account_id), so a run's cost does not grow with N; job_runs grows by ~" +
      fmt(figures(m0, m0).jobRuns! / m0.accounts) +
      " rows per account per day, which retention (XBOT_RETENTION_DAYS) bounds.",
    "- All accounts' runs of one tick start together: with QStash that is N concurrent functions at :00, :05, :20 … The browser-slot lease (XBOT_BROWSER_SLOTS, default 2) is global and X jobs lease one at admission even when they end up doing nothing, so beyond the slots a delivery is refused `budget_exhausted:browser`; a fan-out delivery answers that 503 so QStash retries it (billed), and an operator with many accounts raises XBOT_BROWSER_SLOTS (on Vercel each function has its own Chromium, the slots bound cost and remote-browser sessions). QStash's flow control carries one key per message, so a global browser key and a per-account key cannot both hold for X jobs; per account was chosen (X links accounts by session and IP).",
    "- X visits are per account (" +
      X_VISITS +
      " page loads a day at the defaults) and never shared, so X's view of each account does not change with N; what changes is egress: N accounts need N egresses, or X links them (doctor and status warn when two share one).",
    "- The first wall is QStash's free tier (1 account); the next is the synchronized tick: at 1,000 accounts a single minute sees ~1,000 deliveries, above pay-as-you-go's parallelism of 100 per the plan table, so deliveries queue behind each other. What would come next: spread each account's ticks over the interval (a per-account `delay` or `notBefore` from a hash of its id), per-account QStash schedules instead of one cron per job, and leasing the browser slot only once a run knows it will open a browser.",
    "",
    `Machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, Node ${process.version}. Run at ${new Date().toISOString()}.`,
    "",
  ].join("\n");
}

/** The same day at the default two browser slots: what the global lease does to a fan-out. */
function slotsFinding(m: DayMeasure): string {
  const ran = (job: string, status: string) => m.runs.filter((r) => r.job === job && r.status === status).reduce((s, r) => s + r.n, 0);
  const xJobs = SPECS.filter((s) => s.needs.includes("x")).map((s) => s.name);
  const expected = xJobs.reduce((s, j) => s + (m.byJob[j] ?? 0), 0);
  const ok = xJobs.reduce((s, j) => s + ran(j, "ok"), 0);
  return `At the default XBOT_BROWSER_SLOTS=2 (measured, ${m.accounts} accounts, the same day): ${fmt(m.deliveryFailures)} of ${fmt(m.deliveries)} deliveries were refused with 503 (every slot leased; QStash retried them, and bills each attempt), and ${fmt(expected - ok)} of ${fmt(expected)} X-job messages never got a run that was admitted (their retries ran out). So a deployment with more accounts than slots must raise the slots (README, "Fan-out to many accounts").`;
}
