/**
 * Every reader of lib/x on the sandbox x.com (an app shell that renders from GraphQL, like
 * x.com) in REAL Chromium, in both paths: the page's GraphQL answers, and the DOM fallback
 * when those answers come in a shape the parser does not know (fault `graphql_down`). The
 * cases of issue 10 (bookmarks only in the summary label, carousels, older layouts, emoji,
 * "Show more", labels without separators, throttling, suspension, restriction) each fail on
 * the DOM-only readers this replaced.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useSandboxBrowser } from "../support/sandbox-browser.js";
import type { Sandbox, SandboxPost } from "../../lib/dev/sandbox/index.js";
import { failure } from "../support/failure.js";
import { checkSession, conversation, mentions, readFollowers, readMetrics, recentTimeline, sameTweetText, type TweetMetrics, type XSite } from "../../lib/x/index.js";

const T = { timeout: 60_000 };
let sb: Sandbox;
const fixture = useSandboxBrowser();
beforeAll(() => {
  sb = fixture.sandbox;
});

const site = (): XSite => ({ baseUrl: sb.url, user: sb.user, typing: "fill", waitMs: 4_000 });
const newPage = (): Promise<Page> => fixture.newPage();
const caught = failure;
type Seed = { author?: string; text: string; createdAtMs?: number; inReplyTo?: string; metrics?: Partial<SandboxPost["metrics"]>; media?: number; layout?: "legacy"; quoteOf?: string };
function seedOne(input: Seed): SandboxPost {
  const [created] = sb.seed({ posts: [input] } as Parameters<Sandbox["seed"]>[0]);
  if (!created) throw new Error("seed created nothing");
  return created;
}
const counts = (m: TweetMetrics | null | undefined) => m && { likes: m.likes, replies: m.replies, reposts: m.reposts, bookmarks: m.bookmarks, views: m.views };
const truth = (p: SandboxPost) => ({ likes: p.metrics.likes, replies: p.metrics.replies, reposts: p.metrics.reposts, bookmarks: p.metrics.bookmarks, views: p.metrics.views });
const now = () => sb.posts().reduce((t, p) => Math.max(t, p.createdAtMs), Date.now());

const PATHS = [
  { path: "graphql", source: "graphql", setup: () => undefined },
  { path: "dom (graphql_down)", source: "dom", setup: () => sb.setFault({ kind: "graphql_down" } as Parameters<Sandbox["setFault"]>[0]) },
] as const;

describe.each(PATHS)("readers, $path", ({ source, setup }) => {
  it("readMetrics: exact counts on the status page, bookmarks distinct from likes, no separators", T, async () => {
    const metrics = { replies: 13, reposts: 1390, likes: 8467, bookmarks: 290, views: 1_234_567 };
    const seeded = seedOne({ author: "pg_guru", text: "Counting things carefully", metrics });
    setup();
    const m = await readMetrics(await newPage(), site(), seeded.id);
    expect(m.source).toBe(source);
    expect(counts(m)).toEqual(metrics);
    expect(m.approximate).toEqual([]);
  });

  it("readMetrics: a post with a media carousel", T, async () => {
    const seeded = seedOne({ text: "Two charts of vacuum progress", media: 2, metrics: { likes: 321, replies: 4, reposts: 7, bookmarks: 12, views: 9000 } });
    setup();
    expect(counts(await readMetrics(await newPage(), site(), seeded.id))).toEqual(truth(seeded));
  });

  it("recentTimeline and readMetrics on a timeline of carousels (3 and 4 images) and a quote post: own text, media counts, exact counters", T, async () => {
    const t = now();
    const quoted = seedOne({ author: "pg_guru", text: "The quoted post about WAL", createdAtMs: t - 5 * 60_000 });
    const four = seedOne({ text: "Four charts of autovacuum", media: 4, createdAtMs: t - 4 * 60_000, metrics: { likes: 44, bookmarks: 4, replies: 1, reposts: 2, views: 4000 } });
    const three = seedOne({ text: "Three screenshots", media: 3, createdAtMs: t - 3 * 60_000, metrics: { likes: 33, bookmarks: 3, replies: 0, reposts: 3, views: 3000 } });
    const quote = seedOne({ text: "Our take on this", quoteOf: quoted.id, createdAtMs: t - 2 * 60_000, metrics: { likes: 22, bookmarks: 2, replies: 2, reposts: 1, views: 2000 } } as Seed);
    setup();
    const read = await recentTimeline(await newPage(), site(), sb.user, { max: 3 });
    expect(read.source).toBe(source);
    expect(read.unreadable).toBe(0);
    expect(read.tweets.map((x) => [x.id, x.author, x.text, x.mediaCount])).toEqual([
      [quote.id, sb.user, "Our take on this", 0],
      [three.id, sb.user, "Three screenshots", 3],
      [four.id, sb.user, "Four charts of autovacuum", 4],
    ]);
    expect(read.tweets.map((x) => counts(x.metrics))).toEqual([truth(quote), truth(three), truth(four)]);
    if (source === "graphql") expect(read.tweets[0]?.quotedId).toBe(quoted.id);
    expect(counts(await readMetrics(await newPage(), site(), quote.id))).toEqual(truth(quote));
    expect(counts(await readMetrics(await newPage(), site(), four.id))).toEqual(truth(four));
  });

  it("readMetrics: a deleted or unknown tweet → x_tweet_deleted", T, async () => {
    const seeded = seedOne({ text: "to be deleted soon" });
    await fetch(`${sb.url}/__sandbox/posts/${seeded.id}`, { method: "DELETE", headers: { "x-sandbox-token": sb.adminToken } });
    setup();
    const page = await newPage();
    expect((await caught(readMetrics(page, site(), seeded.id))).code).toBe("x_tweet_deleted");
    expect((await caught(readMetrics(page, site(), "1234567890123456789"))).code).toBe("x_tweet_deleted");
  });

  it("recentTimeline: own posts newest first with exact counts; bookmarks come from the summary label, never read as 0", T, async () => {
    const t = now();
    const h = 3_600_000;
    const a = seedOne({ text: "oldest own post about indexes", createdAtMs: t - 3 * h, metrics: { likes: 50, bookmarks: 9, replies: 1, reposts: 2, views: 700 } });
    const b = seedOne({ text: "middle own post with a chart", createdAtMs: t - 2 * h, media: 1, metrics: { likes: 70, bookmarks: 30, replies: 0, reposts: 5, views: 1800 } });
    const self = seedOne({ text: "a reply to myself shows under its root, as a self-thread", inReplyTo: a.id, createdAtMs: t - 90 * 60_000 });
    const c = seedOne({ text: "newest own post", createdAtMs: t - h, metrics: { likes: 1776, bookmarks: 88, replies: 3, reposts: 0, views: 403765 } });
    setup();
    const read = await recentTimeline(await newPage(), site(), sb.user, { max: 10 });
    expect(read.source).toBe(source);
    expect(read.tweets.map((x) => x.id)).toEqual([c.id, self.id, b.id, a.id]);
    const second = (ms: number) => Math.floor(ms / 1000) * 1000;
    expect(read.tweets.map((x) => x.time?.getTime())).toEqual([c, self, b, a].map((p) => second(p.createdAtMs)));
    const [cm, , bm, am] = read.tweets.map((x) => counts(x.metrics));
    expect([cm, bm, am]).toEqual([truth(c), truth(b), truth(a)]);
    if (source === "graphql") expect(read.tweets[1]?.inReplyTo).toBe(a.id);
    expect(read.unreadable).toBe(0);
  });

  it("recentTimeline: an older layout without a bookmark button reads bookmarks as unknown (DOM) or exact (GraphQL)", T, async () => {
    const old = seedOne({ text: "from the old days", layout: "legacy", createdAtMs: now() - 3_600_000, metrics: { likes: 40, bookmarks: 6, replies: 2, reposts: 1, views: 500 } });
    setup();
    const [got] = (await recentTimeline(await newPage(), site(), sb.user, { max: 1 })).tweets;
    expect(got?.id).toBe(old.id);
    if (source === "dom") expect(got?.metrics).toMatchObject({ likes: 40, bookmarks: null, unknown: ["bookmarks"] });
    else expect(counts(got?.metrics)).toEqual(truth(old));
  });

  it("recentTimeline: emoji survive and a long post is whole (GraphQL) or a marked prefix (DOM)", T, async () => {
    sb.seed({ premium: true } as Parameters<Sandbox["seed"]>[0]);
    const long = `${"A long post about vacuum, autovacuum thresholds and bloat. ".repeat(8)}The end.`;
    const t = now();
    const emoji = seedOne({ text: "Shipped the release 🚀 thanks everyone ❤️", createdAtMs: t - 120_000 });
    const note = seedOne({ text: long, createdAtMs: t - 60_000 });
    setup();
    const tweets = (await recentTimeline(await newPage(), site(), sb.user, { max: 2 })).tweets;
    const byId = new Map(tweets.map((x) => [x.id, x]));
    expect(byId.get(emoji.id)?.text).toContain("🚀");
    expect(sameTweetText(byId.get(emoji.id)!, emoji.text)).toBe(true);
    expect(byId.get(note.id)?.truncated).toBe(source === "dom");
    expect(byId.get(note.id)?.text).not.toMatch(/show more/i);
    expect(sameTweetText(byId.get(note.id)!, long)).toBe(true);
  });

  it("recentTimeline: 50 posts over several pages, complete back to `since`", T, async () => {
    const t = now();
    const posts = Array.from({ length: 50 }, (_, i) => seedOne({ text: `paged post number ${i}`, createdAtMs: t - (50 - i) * 60_000 }));
    setup();
    const read = await recentTimeline(await newPage(), site(), sb.user, { max: 60, since: new Date(posts[0]!.createdAtMs - 1) });
    expect(read.tweets.map((x) => x.id)).toEqual(posts.map((p) => p.id).reverse());
    expect(read.coveredSince?.getTime()).toBeLessThanOrEqual(posts[0]!.createdAtMs);
  });

  it("conversation: the thread under a root, each reply linked (GraphQL) and in order", T, async () => {
    const root = seedOne({ text: "Thread 1/3 on postgres", createdAtMs: now() - 300_000 });
    const two = seedOne({ text: "Thread 2/3 on postgres", inReplyTo: root.id, createdAtMs: root.createdAtMs + 1_000 });
    const three = seedOne({ text: "Thread 3/3 on postgres", inReplyTo: two.id, createdAtMs: root.createdAtMs + 2_000 });
    const other = seedOne({ author: "pg_guru", text: "nice thread", inReplyTo: root.id, createdAtMs: root.createdAtMs + 3_000 });
    setup();
    const read = await conversation(await newPage(), site(), root.id);
    expect(read.source).toBe(source);
    const ids = read.tweets.map((x) => x.id);
    expect(ids.indexOf(root.id)).toBeLessThan(ids.indexOf(two.id));
    expect(ids.indexOf(two.id)).toBeLessThan(ids.indexOf(three.id));
    expect(ids).toContain(other.id);
    if (source === "graphql") expect(read.tweets.find((x) => x.id === three.id)?.inReplyTo).toBe(two.id);
  });

  it("mentions: other users' tweets mentioning us, newest first", T, async () => {
    sb.seed({ mentions: [{ author: "curious_cat", text: "how do you deploy?", createdAtMs: now() + 1_000 }] });
    setup();
    const got = (await mentions(await newPage(), site(), 10)).tweets;
    const expected = sb
      .posts()
      .filter((p) => p.author !== sb.user && p.text.includes(`@${sb.user}`))
      .sort((x, y) => y.createdAtMs - x.createdAtMs);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(got.map((m) => m.id)).toEqual(expected.map((p) => p.id));
    expect(got[0]).toMatchObject({ author: "curious_cat" });
    expect(got[0]?.text).toContain("how do you deploy?");
  });

  it("checkSession: logged in as our user; without cookies session_expired", T, async () => {
    setup();
    expect(await checkSession(await newPage(), site())).toEqual({ loggedIn: true, user: sb.user });
    expect((await caught(checkSession(await fixture.newPage(false), site()))).code).toBe("session_expired");
  });

  it("readFollowers: exact count, case-insensitive handle", T, async () => {
    sb.seed({ followers: 1_234_567 });
    setup();
    // No posts of ours after the reset, so the sandbox adds no earned followers: the count is the seeded one.
    expect(await readFollowers(await newPage(), site(), sb.user)).toEqual({ followers: 1_234_567, source, exact: true });
    expect((await readFollowers(await newPage(), site(), sb.user.toUpperCase())).followers).toBe(1_234_567);
  });
});

describe("states that are never 'empty'", () => {
  it("timeline_error: retried with backoff, recovers when X does; persists → x_unavailable", T, async () => {
    seedOne({ text: "visible after a retry", createdAtMs: now() - 60_000 });
    sb.setFault({ kind: "timeline_error", count: 1 } as Parameters<Sandbox["setFault"]>[0]);
    const read = await recentTimeline(await newPage(), site(), sb.user, { max: 5 });
    expect(read.tweets.map((x) => x.text)).toEqual(["visible after a retry"]);
    sb.setFault({ kind: "timeline_error" } as Parameters<Sandbox["setFault"]>[0]);
    const e = await caught(recentTimeline(await newPage(), site(), sb.user, { max: 5 }));
    expect(e.code).toBe("x_unavailable");
    expect(e.dependency).toBe("x");
  });

  it("suspended → x_account_suspended; restricted → x_account_restricted (both stop the x breaker's dependency)", T, async () => {
    sb.setFault({ kind: "suspended" } as Parameters<Sandbox["setFault"]>[0]);
    expect((await caught(recentTimeline(await newPage(), site(), sb.user, { max: 5 }))).code).toBe("x_account_suspended");
    expect((await caught(readFollowers(await newPage(), site(), sb.user))).code).toBe("x_account_suspended");
    sb.setFault({ kind: "restricted" } as Parameters<Sandbox["setFault"]>[0]);
    const e = await caught(recentTimeline(await newPage(), site(), sb.user, { max: 5 }));
    expect(e.code).toBe("x_account_restricted");
    expect(e.dependency).toBe("x");
  });
});
