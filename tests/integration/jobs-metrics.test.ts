/**
 * The metrics job on real Postgres with a scripted browser (no Chromium): a failed profile
 * visit falls back to per-post pages; per-post read back-off, the stop on errors that mean X
 * refuses us, the per-run read cap, deleted tweets and shadow mode. The real-browser path
 * (counts from the profile's GraphQL answers) is tests/e2e/jobs-scrape.test.ts.
 */
import { describe, expect, it } from "vitest";
import { metricsBackoffMs } from "../../lib/db/metrics.js";
import { METRICS_LIMITS, metrics } from "../../lib/jobs/metrics.js";
import { insertPosts, scrapeSetup, type ScrapeSetup } from "../support/job-fixtures.js";
import { services } from "../support/env.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2031, 6, 1, 12, 0, 0);

const backoff = async (s: ScrapeSetup) =>
  (await s.deps.clients.sql.query<{ failures: number; retryAt: Date | null }>(`SELECT metrics_failures AS failures, metrics_retry_at AS "retryAt" FROM posts ORDER BY tweet_id`)).map((r) => [
    r.failures,
    r.retryAt === null ? null : new Date(r.retryAt).getTime(),
  ]);

describe.skipIf(!services().postgres)("metrics job with a scripted browser", () => {
  it("a failed profile visit falls back to pages; a failing read backs the post off exponentially; it is skipped until its retry time", async () => {
    const s = await scrapeSetup([metrics], T0);
    await insertPosts(s, 2, 2 * HOUR);
    expect(await s.run("metrics")).toMatchObject({ status: "failed", errorCode: "page_timeout" });
    expect(s.calls.n).toBe(3);
    expect(await backoff(s)).toEqual([
      [1, T0 + 15 * 60_000],
      [1, T0 + 15 * 60_000],
    ]);

    s.clock.t = T0 + 10 * 60_000;
    expect(await s.run("metrics")).toMatchObject({ status: "ok", summary: { due: 0 } });
    expect(s.calls.n).toBe(3);

    s.clock.t = T0 + 16 * 60_000;
    await s.run("metrics");
    expect(s.calls.n).toBe(6);
    expect(await backoff(s)).toEqual([
      [2, s.clock.t + 30 * 60_000],
      [2, s.clock.t + 30 * 60_000],
    ]);
    expect([1, 2, 3, 8, 20].map(metricsBackoffMs)).toEqual([15 * 60_000, 30 * 60_000, HOUR, 24 * HOUR, 24 * HOUR]);
  });

  it("a login wall stops the run after the reads in flight, records no back-off, and opens the x breaker", async () => {
    const s = await scrapeSetup([metrics], T0, () => "x_login_wall");
    await insertPosts(s, 10, 2 * HOUR);
    expect(await s.run("metrics")).toMatchObject({ status: "failed", errorCode: "x_login_wall" });
    expect(s.calls.n).toBeLessThanOrEqual(METRICS_LIMITS.parallel);
    expect((await backoff(s)).every(([failures, retryAt]) => failures === 0 && retryAt === null)).toBe(true);
    expect(await s.deps.clients.state.readBreaker("x")).toMatchObject({ state: "open" });
    expect(await s.run("metrics")).toMatchObject({ status: "skipped", reason: "breaker_open:x" });
  });

  it("reads at most 40 posts a run; a deleted tweet is marked; shadow mode opens no browser", async () => {
    let n = 0;
    const s = await scrapeSetup([metrics], T0, (op) => (op === "metrics:profile" ? "page_unexpected" : n++ === 0 ? "x_tweet_deleted" : "page_unexpected"));
    await insertPosts(s, 45, 25 * HOUR);
    expect(await s.run("metrics", "shadow")).toMatchObject({ status: "ok", summary: { skipped: "shadow mode never touches X" } });
    expect(s.calls.opened).toBe(0);
    const result = await s.run("metrics");
    expect(result).toMatchObject({ status: "ok", summary: { due: METRICS_LIMITS.maxReads, deleted: 1, failed: METRICS_LIMITS.maxReads - 1 } });
    expect(s.calls.n).toBe(METRICS_LIMITS.maxReads + 1);
    const [row] = await s.deps.clients.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM posts WHERE deleted_at IS NOT NULL");
    expect(row?.n).toBe(1);
  });
});
