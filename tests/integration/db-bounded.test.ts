/**
 * Cost that does not grow with history: at 100k items of realistic history on real Postgres
 * (through the Neon HTTP shim), every hot query the jobs, /api/status, /api/health and the
 * CLI send is captured as sent and EXPLAINed: no plan may seq-scan a big table.
 */
import { tmpdir } from "node:os";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engagementSeries, recentPostsWithMetrics } from "../../lib/db/dashboard.js";
import { expiredOpenAttempts, requeueOrphanClaims } from "../../lib/db/attempts.js";
import { incidentFacts, lastDecidedRuns } from "../../lib/db/incident-facts.js";
import { dueSnapshots } from "../../lib/db/metrics.js";
import { migrate } from "../../lib/db/migrate.js";
import { postingProblems, postingStats, receiptsToCheck, recentTexts } from "../../lib/db/posts.js";
import { listItems, queueCounts } from "../../lib/db/queue.js";
import { lastRunPerJob, latestFailureCode, recentRuns } from "../../lib/db/runs.js";
import { applyRetention } from "../../lib/db/retention.js";
import { applyScores, scorablePosts } from "../../lib/db/scoring.js";
import { createSql, type Sql, type SqlStatement } from "../../lib/db/sql.js";
import { loadPlanHistory } from "../../lib/db/plan-history.js";
import { armsSummary } from "../../lib/learn/summary.js";
import { bestCandidate } from "../../lib/db/reply-candidates.js";
import { createTestDatabase, dropTestDatabase, services } from "../support/env.js";
import { seedHistory } from "../support/history-seed.js";

const BIG = new Set(["posts", "metric_snapshots", "job_runs", "content_items", "reply_candidates", "post_attempts", "follower_snapshots", "artifacts"]);
const NOW = new Date(Date.UTC(2032, 2, 10, 12, 0, 0));

/** A Sql that records every statement it sends. */
function recording(sql: Sql, seen: SqlStatement[]): Sql {
  return {
    kind: sql.kind,
    query: (text, params = []) => {
      seen.push({ text, params });
      return sql.query(text, params);
    },
    transaction: (statements, options) => {
      seen.push(...statements);
      return sql.transaction(statements, options);
    },
  } as Sql;
}

/** Seq scans of big tables in a JSON plan. */
function seqScans(plan: unknown, out: string[] = []): string[] {
  if (Array.isArray(plan)) for (const p of plan) seqScans(p, out);
  else if (plan && typeof plan === "object") {
    const node = plan as Record<string, unknown>;
    if (node["Node Type"] === "Seq Scan" && BIG.has(String(node["Relation Name"]))) out.push(`${String(node["Relation Name"])} ${String(node.Filter ?? "")}`.trim());
    for (const v of Object.values(node)) if (v && typeof v === "object") seqScans(v, out);
  }
  return out;
}

describe.skipIf(!services().postgres)("bounded hot queries at 100k items", () => {
  let url: string;
  let sql: Sql;
  let client: pg.Client;

  beforeAll(async () => {
    url = await createTestDatabase("bounded");
    sql = createSql({ databaseUrl: url, httpEndpoint: services().postgres!.neonHttpUrl, dataDir: tmpdir() });
    await migrate(sql);
    const seeded = await seedHistory(sql, 100_000, NOW);
    expect(seeded.rows.posts).toBeGreaterThan(130_000);
    expect(seeded.rows.job_runs).toBeGreaterThan(400_000);
    client = new pg.Client({ connectionString: url });
    await client.connect();
  }, 300_000);

  afterAll(async () => {
    await client?.end();
    if (url) await dropTestDatabase(url);
  });

  /** Captures what `fn` sends and returns each statement's seq scans of big tables. */
  async function plansOf(fn: (s: Sql) => Promise<unknown>): Promise<{ text: string; seq: string[] }[]> {
    const seen: SqlStatement[] = [];
    await client.query("BEGIN");
    try {
      await fn(recording(sql, seen));
      const out = [];
      for (const s of seen) {
        const { rows } = await client.query<{ "QUERY PLAN": unknown }>(`EXPLAIN (FORMAT JSON) ${s.text}`, [...(s.params ?? [])]);
        out.push({ text: s.text.replace(/\s+/g, " ").slice(0, 120), seq: seqScans(rows[0]!["QUERY PLAN"]) });
      }
      return out;
    } finally {
      await client.query("ROLLBACK");
    }
  }

  const HOT: [string, (s: Sql) => Promise<unknown>][] = [
    ["engagementSeries", (s) => engagementSeries(s, "default", NOW)],
    ["recentPostsWithMetrics", (s) => recentPostsWithMetrics(s, "default")],
    ["recentRuns (all jobs)", (s) => recentRuns(s, { limit: 200 })],
    ["recentRuns (one job)", (s) => recentRuns(s, { job: "post", limit: 20 })],
    ["lastRunPerJob", (s) => lastRunPerJob(s)],
    ["latestFailureCode", (s) => latestFailureCode(s, "default", ["session_expired", "account_locked"])],
    ["queueCounts", (s) => queueCounts(s, "default", NOW)],
    ["listItems", (s) => listItems(s, "default", { limit: 50 })],
    ["listItems by status", (s) => listItems(s, "default", { status: "failed", limit: 50 })],
    ["postingStats", (s) => postingStats(s, "default", NOW)],
    ["postingProblems", (s) => postingProblems(s, "default", NOW)],
    ["recentTexts", (s) => recentTexts(s, "default")],
    ["bestCandidate", (s) => bestCandidate(s, "default", NOW, 2)],
    ["loadPlanHistory", (s) => loadPlanHistory(s, "default", NOW, { recentPosts: 200, minDays: 60 })],
    ["loadPlanHistory (library hashes)", (s) => loadPlanHistory(s, "default", NOW, { recentPosts: 200, minDays: 60, hashes: ["0".repeat(64), "f".repeat(64)] })],
    ["dueSnapshots", (s) => dueSnapshots(s, "default", NOW, 50)],
    ["receiptsToCheck", (s) => receiptsToCheck(s, "default", new Date(NOW.getTime() - 7 * 86_400_000), NOW)],
    ["expiredOpenAttempts", (s) => expiredOpenAttempts(s, "default", NOW)],
    ["requeueOrphanClaims", (s) => requeueOrphanClaims(s, "default", new Date(NOW.getTime() - 600_000), NOW)],
    ["scorablePosts", (s) => scorablePosts(s, "default", NOW, 200)],
    [
      "applyScores",
      async (s) =>
        applyScores(
          s,
          "default",
          (await scorablePosts(sql, "default", NOW, 60)).map((p) => ({ postId: p.postId, armId: p.armId, reward01: 0.5, raw: 0.4 })),
          NOW,
        ),
    ],
    ["armsSummary", (s) => armsSummary(s, "default")],
    ["lastDecidedRuns (the runner's incident review)", (s) => lastDecidedRuns(s, "default", null)],
    ["incidentFacts", (s) => incidentFacts(s, "default", NOW, new Date(NOW.getTime() - 600_000))],
    // Last: it deletes (the rollup and one batch of every table, 90 days back).
    ["applyRetention", (s) => applyRetention(s, "default", NOW, { days: 90, artifactDays: 14, batch: 5_000, rounds: 1 })],
  ];

  it.each(HOT)(
    "%s: no seq scan on a big table",
    async (_name, fn) => {
      const plans = await plansOf(fn);
      expect(plans.length).toBeGreaterThan(0);
      expect(plans.filter((p) => p.seq.length > 0)).toEqual([]);
    },
    60_000,
  );

  /** Index names a JSON plan reads through (scans of any kind). */
  function indexesOf(plan: unknown, out: string[] = []): string[] {
    if (Array.isArray(plan)) for (const p of plan) indexesOf(p, out);
    else if (plan && typeof plan === "object") {
      const node = plan as Record<string, unknown>;
      if (typeof node["Index Name"] === "string") out.push(`${String(node["Node Type"])} ${node["Index Name"]}`);
      for (const v of Object.values(node)) if (v && typeof v === "object") indexesOf(v, out);
    }
    return out;
  }

  // The latest snapshot per post (engagementSeries: ~4,000 probes at 100k) is one index-only
  // step of metric_snapshots_latest (migration 015), not a sort of the post's rows per probe.
  it.each([
    ["engagementSeries", (s: Sql) => engagementSeries(s, "default", NOW)],
    ["recentPostsWithMetrics", (s: Sql) => recentPostsWithMetrics(s, "default")],
  ] as [string, (s: Sql) => Promise<unknown>][])(
    "%s reads the latest snapshot through metric_snapshots_latest",
    async (_name, fn) => {
      const seen: SqlStatement[] = [];
      await fn(recording(sql, seen));
      expect(seen).toHaveLength(1);
      const { rows } = await client.query<{ "QUERY PLAN": unknown }>(`EXPLAIN (FORMAT JSON) ${seen[0]!.text}`, [...(seen[0]!.params ?? [])]);
      const used = indexesOf(rows[0]!["QUERY PLAN"]);
      expect(used.filter((u) => u.endsWith(" metric_snapshots_latest")).length).toBeGreaterThan(0);
      expect(used.filter((u) => u.endsWith("metric_snapshots_account_id_tweet_id_age_bucket_key"))).toEqual([]);
    },
    60_000,
  );

  // The old engagement query (DISTINCT ON over every snapshot) no longer shows it: since
  // migration 015 it walks metric_snapshots_latest in order, still reading every row. A filter
  // no index serves over the whole table does.
  it("the guard can fail: an unbounded read of metric_snapshots seq-scans", async () => {
    const plans = await plansOf((s) => s.query("SELECT m.tweet_id, m.bookmarks FROM metric_snapshots m WHERE m.source = $1", ["dom"]));
    expect(plans[0]!.seq.join(" ")).toContain("metric_snapshots");
  }, 60_000);
});
