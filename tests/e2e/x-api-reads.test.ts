/**
 * The read side of the API transport through the real jobs (metrics, followers, replies) with
 * XBOT_X_TRANSPORT=api, on real Postgres and Redis with the real twitter-api-v2 client against
 * the sandbox's v2 endpoints: metrics of more than 100 posts in ceil(n/100) `GET /2/tweets`
 * calls (the sandbox's own count), deleted posts reported as such without breaking the batch,
 * the follower count stored, mentions as reply candidates, spend recorded per operation, a
 * budget refusal that skips the read with its reason, and the `users/me` lookup cached across
 * runs in the state store and dropped after a 401. No browser is launched and no visit counted;
 * under `hybrid` the same reads stay on the browser.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { followers } from "../../lib/jobs/followers.js";
import { metrics } from "../../lib/jobs/metrics.js";
import { repliesJob } from "../../lib/jobs/replies.js";
import { visitCounts } from "../../lib/jobs/visits.js";
import { keysFingerprint } from "../../lib/jobs/x-identity.js";
import { xApiSpend } from "../../lib/jobs/x-budget.js";
import { runJob, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { xApiMeValue } from "../../lib/state/keys.js";
import { botRuntime, sandboxOpener, TestClock } from "../support/bot.js";
import { services } from "../support/env.js";
import type { StoreKind } from "../support/runtime.js";

const HOUR = 3_600_000;
const jobs = [metrics, followers, repliesJob()];
let sandbox: Sandbox;
let now = Date.now();
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
  now = Date.now();
  sandbox.setNow(now);
});

const calls = (endpoint: string) => sandbox.apiCalls().filter((c) => c.endpoint === endpoint).length;

async function setup(store: StoreKind, env: Record<string, string> = {}) {
  const opener = sandboxOpener(sandbox);
  const rt = await botRuntime(store, sandbox, { transport: "api", jobs, clock: new TestClock(), opener, env: { XBOT_X_API_DAILY_BUDGET_USD: "5", ...env } });
  const deps = await rt.factory();
  return { deps, opener, run: (job: string) => runJob(deps, { job, trigger: "manual" }) };
}

/** Seeds `n` of our posts (2 h old) on the sandbox and their receipts; deletes the first `gone` on X. */
async function ourPosts(deps: RuntimeDeps, n: number, gone: number): Promise<string[]> {
  const posts = sandbox.seed({
    posts: Array.from({ length: n }, (_, i) => ({
      text: `our post ${i}`,
      createdAtMs: now - 2 * HOUR - i * 1000,
      metrics: { likes: i, replies: i % 3, reposts: i % 5, bookmarks: i % 2, views: 100 + i },
    })),
  });
  const ids = posts.map((p) => p.id);
  await deps.clients.sql.query("INSERT INTO posts (tweet_id, kind, text, posted_at) SELECT id, 'single', 'our post', $2 FROM unnest($1::text[]) AS id", [ids, new Date(now - 2 * HOUR).toISOString()]);
  for (const id of ids.slice(0, gone)) {
    const r = await fetch(`${sandbox.url}/__sandbox/posts/${id}`, { method: "DELETE", headers: { "x-sandbox-token": sandbox.adminToken } });
    expect(r.status).toBe(200);
  }
  return ids;
}

const spend = (deps: RuntimeDeps) => xApiSpend(deps.clients.state, Date.now(), deps.config.XBOT_X_API_DAILY_BUDGET_USD, deps.config.XBOT_X_API_PRICES);
const snapshots = async (deps: RuntimeDeps) => (await deps.clients.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM metric_snapshots"))[0]!.n;

describe.skipIf(!services().postgres || !services().redis).each(["redis", "postgres"] as StoreKind[])("X API reads through the jobs (%s state)", (store) => {
  it("metrics of 150 posts: 2 GET /2/tweets calls, 3 deleted posts marked, the rest saved with the sandbox's numbers, priced per post; no browser, no visit", async () => {
    const { deps, opener, run } = await setup(store);
    const ids = await ourPosts(deps, 150, 3);
    const result = await run("metrics");
    expect(result).toMatchObject({ status: "ok", summary: { due: 150, saved: 147, deleted: 3, failed: 0, via: "api" } });
    expect(calls("GET tweets")).toBe(Math.ceil(150 / 100));
    const rows = await deps.clients.sql.query<{ tweetId: string; likes: number; replies: number; reposts: number; bookmarks: number; views: number }>(
      'SELECT tweet_id AS "tweetId", likes, replies, reposts, bookmarks, views FROM metric_snapshots',
    );
    expect(rows).toHaveLength(147);
    const live = new Map(sandbox.posts().map((p) => [p.id, p.metrics]));
    for (const r of rows) expect(r).toEqual({ tweetId: r.tweetId, ...live.get(r.tweetId) });
    const deleted = await deps.clients.sql.query<{ tweet_id: string }>("SELECT tweet_id FROM posts WHERE deleted_at IS NOT NULL ORDER BY tweet_id");
    expect(deleted.map((d) => d.tweet_id).sort()).toEqual(ids.slice(0, 3).sort());
    const s = await spend(deps);
    expect(s.byOp.metrics).toMatchObject({ calls: 2 });
    expect(s.byOp.metrics!.usd).toBeCloseTo(147 * 0.005, 6);
    expect(s.spentTodayUsd).toBeCloseTo(147 * 0.005, 6);
    expect(opener.opened).toBe(0);
    expect((await visitCounts(deps.clients.state, ["metrics"], 100, Date.now())).total).toBe(0);
  }, 120_000);

  it("a budget that cannot pay for the first batch skips the read with its reason and sends nothing; one that pays for one batch keeps it and stops", async () => {
    const low = await setup(store, { XBOT_X_API_DAILY_BUDGET_USD: "0.30" });
    await ourPosts(low.deps, 150, 0);
    const refused = await low.run("metrics");
    expect(refused).toMatchObject({ status: "skipped" });
    expect(refused.reason).toMatch(/^X API daily budget reached: \$0\.000 of \$0\.3 spent today; metrics would cost up to \$0\.500/);
    expect(calls("GET tweets")).toBe(0);
    expect(await snapshots(low.deps)).toBe(0);

    sandbox.reset();
    sandbox.setNow(now);
    const mid = await setup(store, { XBOT_X_API_DAILY_BUDGET_USD: "0.60" });
    await ourPosts(mid.deps, 150, 0);
    const partial = await mid.run("metrics");
    expect(partial).toMatchObject({ status: "skipped" });
    expect(partial.reason).toMatch(/^X API daily budget reached: \$0\.500 of \$0\.6/);
    expect(calls("GET tweets")).toBe(1);
    expect(await snapshots(mid.deps)).toBe(100);
    expect((await spend(mid.deps)).spentTodayUsd).toBeCloseTo(0.5, 6);
  }, 120_000);

  it("followers: one users/me read with public_metrics, the exact count stored, priced as a user read", async () => {
    sandbox.seed({ followers: 4321 });
    const { deps, opener, run } = await setup(store);
    const result = await run("followers");
    expect(result).toMatchObject({ status: "ok", summary: { followers: 4321, source: "api", exact: true } });
    const [row] = await deps.clients.sql.query<{ followers: number }>("SELECT followers FROM follower_snapshots");
    expect(row?.followers).toBe(4321);
    expect(calls("GET users/me")).toBe(1);
    const s = await spend(deps);
    expect(s.byOp.followers).toMatchObject({ calls: 1 });
    expect(s.byOp.followers!.usd).toBeCloseTo(0.01, 6);
    expect(opener.opened).toBe(0);
  }, 120_000);

  it("hybrid keeps the reads on the browser: followers from the profile page, no API call, the page load counted as a visit", async () => {
    sandbox.seed({ followers: 2468 });
    const { deps, opener, run } = await setup(store, { XBOT_X_TRANSPORT: "hybrid" });
    expect(await run("followers")).toMatchObject({ status: "ok", summary: { followers: 2468, source: "graphql", exact: true } });
    expect(sandbox.apiCalls()).toHaveLength(0);
    expect(opener.opened).toBe(1);
    expect((await visitCounts(deps.clients.state, ["followers"], 100, Date.now())).byJob.followers).toBeGreaterThan(0);
  }, 120_000);

  it("mentions become reply candidates; users/me is looked up once across two runs, dropped after a 401, looked up again after", async () => {
    const [mention] = sandbox.seed({ mentions: [{ author: "curious_dev", text: `@${sandbox.user} how do you page through a v2 timeline?` }] });
    const { deps, opener, run } = await setup(store);
    expect(await run("replies")).toMatchObject({ status: "ok", summary: { discovered: 2 } });
    const rows = await deps.clients.sql.query<{ tweet_id: string; author: string; source: string }>("SELECT tweet_id, author, source FROM reply_candidates ORDER BY tweet_id");
    expect(rows).toContainEqual({ tweet_id: mention!.id, author: "curious_dev", source: "mention" });
    expect(rows.every((r) => r.source === "mention" && r.author !== sandbox.user)).toBe(true);
    expect(calls("GET users/me")).toBe(1);
    expect(calls("GET users/mentions")).toBe(1);

    expect(await run("replies")).toMatchObject({ status: "ok" });
    expect(calls("GET users/me")).toBe(1);
    expect(calls("GET users/mentions")).toBe(2);
    const s = await spend(deps);
    expect(s.byOp.me).toMatchObject({ calls: 1 });
    expect(s.byOp.me!.usd).toBeCloseTo(0.01, 6);
    expect(s.byOp.mentions).toMatchObject({ calls: 2 });
    expect(s.byOp.mentions!.usd).toBeCloseTo(2 * 2 * 0.001, 6);

    const fp = keysFingerprint(sandbox.apiKeys.appKey, sandbox.apiKeys.accessToken);
    expect(await deps.clients.state.readValue(xApiMeValue(fp))).toMatchObject({ username: sandbox.user, fingerprint: fp });
    sandbox.revokeApiToken(true);
    expect(await run("replies")).toMatchObject({ status: "failed", errorCode: "session_expired" });
    expect(await deps.clients.state.readValue(xApiMeValue(fp))).toBeNull();
    sandbox.revokeApiToken(false);
    await deps.clients.state.resetBreaker("x");
    expect(await run("replies")).toMatchObject({ status: "ok" });
    expect(calls("GET users/me")).toBe(2);
    expect(opener.opened).toBe(0);
  }, 120_000);
});
