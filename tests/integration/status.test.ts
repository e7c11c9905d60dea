/** /api/status carries what the dashboard draws: posts with metrics, the engagement series, the arms. */
import { describe, expect, it } from "vitest";
import { statusRoute } from "../../lib/runtime/http/status-route.js";
import { ensureArms, saveArmUpdate } from "../../lib/db/arms.js";
import { services } from "../support/env.js";
import { testRuntime, TEST_SECRETS } from "../support/runtime.js";

describe.skipIf(!services().postgres)("/api/status", () => {
  it("returns recent posts with their latest metrics, a daily engagement series with followers, and the arms", async () => {
    const rt = await testRuntime("postgres");
    const deps = await rt.factory();
    const sql = deps.clients.sql;
    const today = new Date();
    await sql.query(
      "INSERT INTO posts (account_id, tweet_id, kind, text, origin, posted_at) VALUES ('default', '111', 'single', 'hello', 'bot', $1), ('default', '222', 'single', 'world', 'bot', $1)",
      [today.toISOString()],
    );
    await sql.query(
      "INSERT INTO metric_snapshots (account_id, tweet_id, age_bucket, likes, replies, reposts, bookmarks, views, taken_at) VALUES ('default', '111', '1h', 3, 1, 0, 0, 90, $1), ('default', '111', '24h', 7, 2, 1, 1, 300, $2), ('default', '222', '1h', 5, 0, 2, 0, 150, $1)",
      [new Date(today.getTime() - 3_600_000).toISOString(), today.toISOString()],
    );
    await sql.query("INSERT INTO follower_snapshots (account_id, followers, taken_at) VALUES ('default', 100, $1), ('default', 104, $2)", [
      new Date(today.getTime() - 60_000).toISOString(),
      today.toISOString(),
    ]);
    await ensureArms(sql, "default", ["typescript"], ["single"], [16]);
    await saveArmUpdate(sql, "default", "typescript:single:16", 0.8);
    const { GET } = statusRoute(rt.factory);
    const response = await GET(new Request("http://xbot.test/api/status", { headers: { authorization: `Bearer ${TEST_SECRETS.admin}` } }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      posts: { tweetId: string; metrics: { likes: number; ageBucket: string } | null }[];
      engagement: { day: string; posts: number; likes: number; views: number; followers: number | null }[];
      arms: { totalPulls: number; topArms: { armId: string }[] };
    };
    expect(body.posts.find((p) => p.tweetId === "111")?.metrics).toMatchObject({ likes: 7, ageBucket: "24h" });
    const day = body.engagement.at(-1)!;
    expect(day).toMatchObject({ posts: 2, likes: 12, views: 450, followers: 104 });
    expect(body.engagement).toHaveLength(30);
    expect(body.arms).toMatchObject({ totalPulls: 1, topArms: [{ armId: "typescript:single:16" }] });
    const extra = body as unknown as { account: Record<string, unknown>; llm: Record<string, unknown> };
    expect(extra.account).toEqual({ id: "default", handle: null, mode: "live", configuredMode: "live", xBaseUrl: "https://x.com" });
    expect(extra.llm).toEqual({ configured: false, spentTodayUsd: 0, dailyBudgetUsd: 1 });
  });
});
