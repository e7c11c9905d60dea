/**
 * The API transport (the real twitter-api-v2 client, OAuth 1.0a) against the sandbox's v2
 * endpoints: posts, reply chains, the owned timeline, the session check, and the typed errors
 * the browser adapter raises too (duplicate, deleted target, 429 with its reset, bad keys,
 * an answer that never comes = unknown outcome).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { XbotError } from "../../lib/errors.js";
import { apiTransport } from "../../lib/x/transport/api.js";
import type { XTransport } from "../../lib/x/transport/port.js";
import { loadConfig } from "../../lib/config.js";
import { xApiCheck } from "../../lib/cli/doctor-x-api.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

const api = (over: Partial<Sandbox["apiKeys"]> = {}, timeoutMs = 5_000): XTransport => apiTransport({ baseUrl: sandbox.url, ...sandbox.apiKeys, ...over, timeoutMs });
const rand = () => Math.random().toString(36).slice(2, 8);

async function failure(p: Promise<unknown>): Promise<XbotError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(XbotError);
  return e as XbotError;
}

describe("API transport on the sandbox's v2 endpoints", () => {
  it("posts a single, a thread as a reply chain and a reply; the owned timeline shows them exactly", async () => {
    const x = api();
    const since = new Date(Date.now() - 60_000);
    const single = await x.use("t", (o) => o.postSingle(`api single ${rand()}`));
    expect(single.source).toBe("api");
    expect(single.tweetIds).toHaveLength(1);
    const thread = await x.use("t", (o) => o.postThread([`api thread 1 ${rand()}`, `api thread 2 ${rand()}`, `api thread 3 ${rand()}`]));
    expect(thread.tweetIds).toHaveLength(3);
    const posts = sandbox.posts();
    expect(posts.find((p) => p.id === thread.tweetIds[1])?.inReplyTo).toBe(thread.tweetIds[0]);
    expect(posts.find((p) => p.id === thread.tweetIds[2])?.inReplyTo).toBe(thread.tweetIds[1]);
    const reply = await x.use("t", (o) => o.reply(single.tweetIds[0]!, `api reply ${rand()}`));
    expect(posts.length + 1).toBe(sandbox.posts().length);
    const read = await x.use("t", (o) => o.recentTimeline(sandbox.user, { max: 100, since }));
    expect(read.source).toBe("api");
    expect(read.unreadable).toBe(0);
    expect(read.coveredSince).toEqual(since);
    expect(read.tweets.map((t) => t.id).sort()).toEqual([...single.tweetIds, ...thread.tweetIds, ...reply.tweetIds].sort());
    expect(read.tweets.find((t) => t.id === reply.tweetIds[0])?.inReplyTo).toBe(single.tweetIds[0]);
    const conv = await x.use("t", (o) => o.conversation(thread.tweetIds[0]!));
    expect(conv.tweets.map((t) => t.id).sort()).toEqual([...thread.tweetIds].sort());
    expect(await x.use("t", (o) => o.checkSession())).toEqual({ loggedIn: true, user: sandbox.user });
    const calls = sandbox.apiCalls();
    expect(calls.filter((c) => c.endpoint === "POST tweets" && c.status === 201)).toHaveLength(5);
  });

  it("posts a quote with quote_tweet_id (the owned timeline names the quoted id); refuses images before any call", async () => {
    const x = api();
    const since = new Date(Date.now() - 60_000);
    const quoted = await x.use("t", (o) => o.postSingle(`quoted ${rand()}`));
    const quote = await x.use("t", (o) => o.postQuote(quoted.tweetIds[0]!, `quoting ${rand()}`));
    expect(sandbox.posts().find((p) => p.id === quote.tweetIds[0])?.quoteOf).toBe(quoted.tweetIds[0]);
    const read = await x.use("t", (o) => o.recentTimeline(sandbox.user, { max: 100, since }));
    expect(read.tweets.find((t) => t.id === quote.tweetIds[0])?.quotedId).toBe(quoted.tweetIds[0]);
    expect(read.tweets.find((t) => t.id === quoted.tweetIds[0])?.quotedId).toBeNull();
    const creates = sandbox.apiCalls().filter((c) => c.endpoint === "POST tweets").length;
    const image = { name: "a.png", mime: "image/png", bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47]), alt: "a test image" };
    const refused = await failure(x.use("t", (o) => o.postSingle(`with image ${rand()}`, {}, [image])));
    expect(refused.code).toBe("validation");
    expect(refused.details?.posted).toBe(false);
    expect(sandbox.apiCalls().filter((c) => c.endpoint === "POST tweets")).toHaveLength(creates);
  });

  it("duplicate content, a deleted target, bad keys and a read-only answer are typed errors that say not posted", async () => {
    const x = api();
    const text = `dup ${rand()}`;
    await x.use("t", (o) => o.postSingle(text));
    const dup = await failure(x.use("t", (o) => o.postSingle(text)));
    expect(dup.code).toBe("validation");
    expect(dup.details).toMatchObject({ duplicate: true, posted: false, status: 403 });
    const gone = await failure(x.use("t", (o) => o.reply("1234567890123456789", `to nothing ${rand()}`)));
    expect(gone.code).toBe("x_tweet_deleted");
    expect(gone.details?.posted).toBe(false);
    const bad = await failure(api({ accessSecret: "wrong" }).use("t", (o) => o.postSingle(`bad keys ${rand()}`)));
    expect(bad.code).toBe("session_expired");
    expect(bad.details).toMatchObject({ status: 401, posted: false });
    expect(sandbox.posts().filter((p) => p.text.startsWith("bad keys"))).toHaveLength(0);
  });

  it("a 429 carries X's reset time; 226-like automation is x_automated", async () => {
    const x = api();
    sandbox.setFault({ kind: "rate_limit_429", count: 1, ms: 600_000 });
    const limited = await failure(x.use("t", (o) => o.postSingle(`limited ${rand()}`)));
    expect(limited.code).toBe("x_rate_limited");
    expect(limited.details?.posted).toBe(false);
    const reset = limited.details?.resetAtMs as number;
    expect(Math.abs(reset - (Date.now() + 600_000))).toBeLessThan(5_000);
    sandbox.setFault({ kind: "automated_226", count: 1 });
    expect((await failure(x.use("t", (o) => o.postSingle(`auto ${rand()}`)))).code).toBe("x_automated");
  });

  it("no answer after the request left is an unknown outcome, and the post is on X", async () => {
    const x = api({}, 1_000);
    sandbox.setFault({ kind: "post_without_response", count: 1 });
    const text = `held ${rand()}`;
    let clicked = false;
    const e = await failure(
      x.use("t", (o) =>
        o.postSingle(text, {
          onClicked: () => {
            clicked = true;
          },
        }),
      ),
    );
    expect(clicked).toBe(true);
    expect(e.details?.posted).toBe("unknown");
    expect(sandbox.posts().filter((p) => p.text === text)).toHaveLength(1);
  });
});

describe("doctor's X API check against the sandbox", () => {
  const config = (s: Sandbox, over: Record<string, string> = {}) =>
    loadConfig({
      XBOT_X_TRANSPORT: "api",
      XBOT_X_API_BASE_URL: s.url,
      XBOT_X_USER: s.user,
      X_API_KEY: s.apiKeys.appKey,
      X_API_SECRET: s.apiKeys.appSecret,
      X_ACCESS_TOKEN: s.apiKeys.accessToken,
      X_ACCESS_SECRET: s.apiKeys.accessSecret,
      ...over,
    });

  it("passes for read-write keys, fails with the fix for wrong keys and for a read-only app (whose posts X refuses)", async () => {
    expect(await xApiCheck(config(sandbox))).toMatchObject({ status: "ok", detail: `${sandbox.url} as @${sandbox.user}, permission read-write` });
    const wrong = await xApiCheck(config(sandbox, { X_ACCESS_SECRET: "not-the-secret" }));
    expect(wrong).toMatchObject({ status: "fail" });
    expect(wrong?.fix).toMatch(/regenerate/);
    const readOnly = await createSandbox({ apiAccessLevel: "read" });
    try {
      const check = await xApiCheck(config(readOnly));
      expect(check).toMatchObject({ status: "fail", detail: expect.stringContaining("a read-only app cannot post") });
      expect(check?.fix).toMatch(/Read and write/);
      const e = await failure(apiTransport({ baseUrl: readOnly.url, ...readOnly.apiKeys }).use("t", (o) => o.postSingle(`read only ${rand()}`)));
      expect(e.details).toMatchObject({ status: 403, permission: true, posted: false });
      expect(readOnly.posts().filter((p) => p.text.startsWith("read only"))).toHaveLength(0);
    } finally {
      await readOnly.close();
    }
    expect(await xApiCheck(loadConfig({}))).toBeNull();
  });
});
