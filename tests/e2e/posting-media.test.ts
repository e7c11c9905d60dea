/**
 * Posts with images and quote posts on the sandbox with real Chromium, Postgres and the post
 * job: images from the media library go through x.com's file input, the chunked upload and
 * the media editor's alt text; CreateTweet references the uploads; the protocol covers the
 * whole post (an upload fault before the click leaves the item queued, a kill after the click
 * is reconciled to exactly one post by text and media count, a thread cut by a kill is
 * finished once with its images); dry mode attaches but does not post; a slow upload is
 * waited for; a quote goes out with `attachment_url` and is reconciled.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import sharp from "sharp";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { prepareImage } from "../../lib/content/media.js";
import { addMedia } from "../../lib/db/media.js";
import { enqueue, queueCounts } from "../../lib/db/queue.js";
import { runJob, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { post } from "../../lib/jobs/post.js";
import { reconcile } from "../../lib/jobs/reconcile.js";
import { services } from "../support/env.js";
import { botRuntime, NO_CAPS, TestClock } from "../support/bot.js";
import { runChild } from "../support/child.js";

const jobs = [post, reconcile];
let sandbox: Sandbox;
let startedAt = 0;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
  startedAt = Date.now() - 1;
});

const ours = () => sandbox.posts().filter((p) => p.author === sandbox.user && !p.deleted && p.createdAtMs > startedAt);
const tag = () => Math.random().toString(36).slice(2, 8);

/** Adds a distinct PNG to the library; returns its id and alt text. */
async function libraryImage(deps: RuntimeDeps, color: string, alt: string): Promise<string> {
  const bytes = await sharp({ create: { width: 90 + Math.floor(Math.random() * 50), height: 60, channels: 3, background: color } })
    .png()
    .toBuffer();
  const prepared = await prepareImage("chart.png", bytes, alt);
  if (!prepared.ok) throw new Error(prepared.reason);
  return (await addMedia(deps.clients.sql, { accountId: deps.config.XBOT_ACCOUNT_ID, ...prepared.image })).media.id;
}

async function queue(deps: RuntimeDeps, tweets: string[], media: string[][] = [], quoteOf: string | null = null): Promise<string> {
  const item = await enqueue(deps.clients.sql, {
    accountId: deps.config.XBOT_ACCOUNT_ID,
    kind: tweets.length > 1 ? "thread" : "single",
    tweets,
    source: "manual",
    dueAt: new Date(Date.now() - 60_000),
    media,
    quoteOf,
  });
  return item!.id;
}

async function receipts(deps: RuntimeDeps): Promise<{ tweet_id: string; origin: string; position: number }[]> {
  return deps.clients.sql.query("SELECT tweet_id, origin, position FROM posts ORDER BY position");
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not reached");
    await sleep(100);
  }
}

describe.skipIf(!services().postgres)("posts with images and quote posts on the sandbox", () => {
  it("a single with one image is posted once, the image attached with its alt text, the id from CreateTweet", async () => {
    const rt = await botRuntime("postgres", sandbox, { jobs, env: { XBOT_CAPS: NO_CAPS } });
    const deps = await rt.factory();
    const id = await libraryImage(deps, "#e33", "A red bar chart of weekly signups, rising from 10 to 40");
    await queue(deps, [`Signups this week ${tag()}`], [[id]]);
    const result = await runJob(deps, { job: "post", trigger: "manual" });
    expect(result.summary).toMatchObject({ result: "posted", source: "graphql", posted: 1 });
    const [onX, ...more] = ours();
    expect(more).toHaveLength(0);
    expect(onX!.photos).toEqual([expect.objectContaining({ alt: "A red bar chart of weekly signups, rising from 10 to 40", mime: "image/png" })]);
    expect(sandbox.uploads().map((u) => u.mediaId)).toEqual([onX!.photos[0]!.mediaId]);
    expect((result.summary as { tweetIds: string[] }).tweetIds).toEqual([onX!.id]);
    expect(await receipts(deps)).toEqual([{ tweet_id: onX!.id, origin: "bot", position: 0 }]);
  }, 180_000);

  it("a thread with images on tweets 1 and 3 is posted once, each image on its own tweet with its alt text", async () => {
    const rt = await botRuntime("postgres", sandbox, { jobs, env: { XBOT_CAPS: NO_CAPS } });
    const deps = await rt.factory();
    const a = await libraryImage(deps, "#2a6", "Green line: latency before the fix");
    const b = await libraryImage(deps, "#26a", "Blue line: latency after the fix");
    const c = await libraryImage(deps, "#a62", "Orange histogram of request sizes");
    const t = tag();
    await queue(deps, [`Latency story ${t} 1/3`, `What we changed ${t} 2/3`, `Results ${t} 3/3`], [[a], [], [b, c]]);
    const result = await runJob(deps, { job: "post", trigger: "manual" });
    expect(result.summary).toMatchObject({ result: "posted", source: "graphql" });
    const onX = ours();
    expect(onX.map((p) => p.text)).toEqual([`Latency story ${t} 1/3`, `What we changed ${t} 2/3`, `Results ${t} 3/3`]);
    expect(onX.map((p) => p.photos.map((ph) => ph.alt))).toEqual([["Green line: latency before the fix"], [], ["Blue line: latency after the fix", "Orange histogram of request sizes"]]);
    expect(onX[1]!.inReplyTo).toBe(onX[0]!.id);
    expect(onX[2]!.inReplyTo).toBe(onX[1]!.id);
    expect((result.summary as { tweetIds: string[] }).tweetIds).toEqual(onX.map((p) => p.id));
    expect((await receipts(deps)).map((r) => r.tweet_id)).toEqual(onX.map((p) => p.id));
  }, 180_000);

  it.each(["upload_failed", "upload_rejected_type"] as const)(
    "an upload fault before the click (%s) leaves the item queued and nothing on X",
    async (kind) => {
      const rt = await botRuntime("postgres", sandbox, { jobs, env: { XBOT_CAPS: NO_CAPS } });
      const deps = await rt.factory();
      const id = await libraryImage(deps, "#555", "A grey square");
      await queue(deps, [`Upload fails ${tag()}`], [[id]]);
      sandbox.setFault({ kind });
      const result = await runJob(deps, { job: "post", trigger: "manual" });
      // X failed us before the click: the run fails with the page error (it counts for the x breaker).
      expect(result).toMatchObject({ status: "failed", errorCode: "page_unexpected", summary: { posted: false, uploaded: 0, expected: 1 } });
      expect(String(result.summary?.error)).toContain("an image upload failed");
      expect(ours()).toHaveLength(0);
      const [attempt] = await deps.clients.sql.query<{ status: string }>("SELECT status FROM post_attempts");
      expect(attempt?.status).toBe("failed");
      expect(await queueCounts(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID)).toMatchObject({ queued: 1, posting: 0, posted: 0 });
    },
    180_000,
  );

  it("a slow upload is waited for before the click; dry mode attaches but does not post", async () => {
    const rt = await botRuntime("postgres", sandbox, { jobs, env: { XBOT_CAPS: NO_CAPS } });
    const deps = await rt.factory();
    const id = await libraryImage(deps, "#808", "A purple square");
    await queue(deps, [`Slow upload ${tag()}`], [[id]]);
    const dry = await runJob(deps, { job: "post", trigger: "manual", mode: "dry" });
    expect(dry.summary).toMatchObject({ result: "dry_run" });
    expect(ours()).toHaveLength(0);
    expect(sandbox.uploads()).toEqual([expect.objectContaining({ finalized: true, used: false })]);
    sandbox.setFault({ kind: "upload_slow", ms: 2500 });
    const started = Date.now();
    const live = await runJob(deps, { job: "post", trigger: "manual" });
    expect(live.summary).toMatchObject({ result: "posted" });
    expect(Date.now() - started).toBeGreaterThan(2500);
    expect(ours()).toEqual([expect.objectContaining({ photos: [expect.objectContaining({ alt: "A purple square" })] })]);
  }, 180_000);

  it.each(["graphql", "dom"] as const)(
    "a kill after the click is reconciled to exactly one post, matched by text and media count (%s read)",
    async (path) => {
      const rt = await botRuntime("postgres", sandbox, { jobs });
      const deps = await rt.factory();
      const id = await libraryImage(deps, "#0aa", "A teal square");
      const text = `Crash with an image ${tag()}`;
      await queue(deps, [text], [[id]]);
      sandbox.setFault({ kind: "post_without_response" });
      const child = runChild(rt.env, "post", {}, 0, "", JSON.stringify(sandbox.storageState()));
      await waitFor(() => ours().filter((p) => p.photos.length > 0).length === 1, 90_000);
      child.process.kill("SIGKILL");
      expect(await child.result).toBeNull();
      sandbox.setFault(null);
      // A newer post of ours with the same text and no image: only the media count tells them apart.
      sandbox.seed({ posts: [{ text, createdAtMs: Date.now() }] });
      if (path === "dom") sandbox.setFault({ kind: "graphql_down" });
      const clock = new TestClock();
      clock.advance(7 * 60_000);
      const later = await botRuntime("postgres", sandbox, { jobs, clock, env: { ...rt.env } });
      const summary = (await runJob(await later.factory(), { job: "reconcile", trigger: "manual" })).summary;
      expect(summary).toMatchObject({ resolved: 1, requeued: 0, source: path });
      const withImage = ours().filter((p) => p.photos.length === 1);
      expect(withImage).toHaveLength(1);
      const rows = await receipts(deps);
      expect(rows.filter((r) => r.origin === "reconciled")).toEqual([{ tweet_id: withImage[0]!.id, origin: "reconciled", position: 0 }]);
      expect(await queueCounts(deps.clients.sql, deps.config.XBOT_ACCOUNT_ID)).toMatchObject({ posted: 1, queued: 0, posting: 0 });
    },
    240_000,
  );

  it("a thread with images cut after tweet 2 by a kill is reconciled to partial and finished once, tweet 3 with its images", async () => {
    const rt = await botRuntime("postgres", sandbox, { jobs, env: { XBOT_CAPS: NO_CAPS } });
    const deps = await rt.factory();
    const a = await libraryImage(deps, "#c33", "Red: errors per minute");
    const b = await libraryImage(deps, "#33c", "Blue: retries per minute");
    const t = tag();
    const texts = [`Retries ${t} 1/3`, `Backoff ${t} 2/3`, `Jitter ${t} 3/3`];
    await queue(deps, texts, [[a], [], [b]]);
    sandbox.setFault({ kind: "post_without_response", skip: 1 });
    const child = runChild(rt.env, "post", {}, 0, "", JSON.stringify(sandbox.storageState()));
    await waitFor(() => ours().length === 2, 90_000);
    child.process.kill("SIGKILL");
    await child.result;
    sandbox.setFault(null);
    const clock = new TestClock();
    clock.advance(7 * 60_000);
    const later = await (await botRuntime("postgres", sandbox, { jobs, clock, env: { ...rt.env } })).factory();
    expect((await runJob(later, { job: "reconcile", trigger: "manual" })).summary).toMatchObject({ partial: 1, resolved: 0, requeued: 0 });
    expect((await runJob(later, { job: "post", trigger: "manual", skipLock: true })).summary).toMatchObject({ result: "posted", posted: 1 });
    const onX = ours();
    expect(onX.map((p) => p.text)).toEqual(texts);
    expect(onX.map((p) => p.photos.map((ph) => ph.alt))).toEqual([["Red: errors per minute"], [], ["Blue: retries per minute"]]);
    expect(onX.map((p) => p.inReplyTo)).toEqual([null, onX[0]!.id, onX[1]!.id]);
    expect((await receipts(deps)).map((r) => r.tweet_id)).toEqual(onX.map((p) => p.id));
  }, 240_000);

  it("a quote post goes out with attachment_url, and one killed after the click is reconciled", async () => {
    const rt = await botRuntime("postgres", sandbox, { jobs, env: { XBOT_CAPS: NO_CAPS } });
    const deps = await rt.factory();
    const [quoted] = sandbox.seed({ posts: [{ author: "pg_guru", text: `Vacuum tuning notes ${tag()}` }] });
    const text = `Worth reading ${tag()}`;
    await queue(deps, [text], [], quoted!.id);
    const result = await runJob(deps, { job: "post", trigger: "manual" });
    expect(result.summary).toMatchObject({ result: "posted", source: "graphql" });
    expect(ours()).toEqual([expect.objectContaining({ text, quoteOf: quoted!.id })]);
    const second = `Also this ${tag()}`;
    await queue(deps, [second], [], quoted!.id);
    sandbox.setFault({ kind: "post_without_response" });
    const child = runChild(rt.env, "post", {}, 0, "", JSON.stringify(sandbox.storageState()));
    await waitFor(() => ours().some((p) => p.text === second), 90_000);
    child.process.kill("SIGKILL");
    await child.result;
    sandbox.setFault(null);
    const clock = new TestClock();
    clock.advance(7 * 60_000);
    const later = await botRuntime("postgres", sandbox, { jobs, clock, env: { ...rt.env } });
    expect((await runJob(await later.factory(), { job: "reconcile", trigger: "manual" })).summary).toMatchObject({ resolved: 1, requeued: 0 });
    const onX = ours().filter((p) => p.text === second);
    expect(onX).toEqual([expect.objectContaining({ quoteOf: quoted!.id })]);
    const rows = await deps.clients.sql.query<{ tweet_id: string; origin: string }>("SELECT tweet_id, origin FROM posts WHERE origin = 'reconciled'");
    expect(rows).toEqual([{ tweet_id: onX[0]!.id, origin: "reconciled" }]);
  }, 240_000);
});
