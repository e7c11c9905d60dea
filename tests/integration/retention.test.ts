/**
 * Retention through the heal job on real Postgres: old job runs, snapshots and candidates go
 * in bounded batches (a backlog takes several heal runs), and the dashboard's 30-day chart is
 * the same after the rows it was computed from are gone (the daily rollup keeps it).
 */
import { describe, expect, it } from "vitest";
import { engagementSeries } from "../../lib/db/dashboard.js";
import { heal } from "../../lib/jobs/heal.js";
import { RETENTION_BATCH, RETENTION_ROUNDS } from "../../lib/jobs/heal-retention.js";
import { runJob } from "../../lib/runtime/runner.js";
import { services } from "../support/env.js";
import { seedHistory } from "../support/history-seed.js";
import { testRuntime } from "../support/runtime.js";

const NOW = Date.UTC(2032, 4, 20, 9, 30, 0);
const DAY = 86_400_000;

describe.skipIf(!services().postgres)("retention in heal", () => {
  it("deletes past XBOT_RETENTION_DAYS in bounded batches over successive runs and keeps the 30-day chart unchanged", async () => {
    const rt = await testRuntime("postgres", { jobs: [heal], clock: { now: () => NOW }, env: { XBOT_RETENTION_DAYS: "20" } });
    const deps = await rt.factory();
    const sql = deps.clients.sql;
    await seedHistory(sql, 10_000, new Date(NOW));
    const cutoff = new Date(Date.UTC(2032, 4, 0)); // the UTC day start 20 days before NOW
    const old = async () => {
      const [r] = await sql.query<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM job_runs WHERE started_at < $1) AS runs, (SELECT count(*)::int FROM metric_snapshots WHERE taken_at < $1) AS snapshots,
           (SELECT count(*)::int FROM follower_snapshots WHERE taken_at < $1) AS followers,
           (SELECT count(*)::int FROM reply_candidates WHERE created_at < $1 AND status IN ('new', 'skipped')) AS candidates,
           (SELECT count(*)::int FROM reply_candidates WHERE status IN ('queued', 'replied')) AS answered`,
        [cutoff.toISOString()],
      );
      return r!;
    };
    const before = await old();
    expect(before.runs).toBeGreaterThan(RETENTION_BATCH * RETENTION_ROUNDS);
    expect(before.snapshots).toBeGreaterThan(0);
    const chart = await engagementSeries(sql, "default", new Date(NOW));
    expect(chart).toHaveLength(30);
    expect(chart.filter((d) => new Date(`${d.day}T00:00:00Z`) < cutoff).length).toBe(9);

    const first = await runJob(deps, { job: "heal", trigger: "manual" });
    expect(first).toMatchObject({ status: "ok", summary: { retention: { more: true } } });
    const deleted = (first.summary as { retention: { deleted: Record<string, number>; rolledUpDays: number } }).retention;
    expect(deleted.deleted.job_runs).toBe(RETENTION_BATCH * RETENTION_ROUNDS);
    expect(deleted.rolledUpDays).toBeGreaterThan(0);
    let runs = 1;
    while (runs < 20) {
      const r = await runJob(deps, { job: "heal", trigger: "manual" });
      runs++;
      expect(r.status).toBe("ok");
      if (!(r.summary as { retention: { more: boolean } }).retention.more) break;
    }
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(runs).toBeLessThan(20);
    const after = await old();
    expect(after).toEqual({ runs: 0, snapshots: 0, followers: 0, candidates: 0, answered: before.answered });
    const [recent] = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM job_runs WHERE started_at >= $1", [cutoff.toISOString()]);
    expect(recent!.n).toBeGreaterThan(0);

    expect(await engagementSeries(sql, "default", new Date(NOW))).toEqual(chart);
    // The rollup is what keeps it: without it the old days of the chart are empty.
    await sql.query("DELETE FROM engagement_daily");
    const raw = await engagementSeries(sql, "default", new Date(NOW));
    expect(raw).not.toEqual(chart);
    expect(raw.filter((d) => new Date(`${d.day}T00:00:00Z`) < new Date(cutoff.getTime() - 7 * DAY)).every((d) => d.likes === 0 && d.followers === null)).toBe(true);
  }, 240_000);
});
