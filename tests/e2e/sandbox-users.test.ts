/**
 * One sandbox, several logged-in users (Sandbox.addUser, `POST /__sandbox/users`): each
 * user's cookies get GraphQL and pages as that user. CreateTweet records the post under the
 * caller's handle (duplicates are per author), notifications list the caller's own mentions,
 * the shell and UserByScreenName treat the caller as "self", and a fault with `user` applies
 * to (and counts) that user's requests only. Unknown cookies are logged out; reset() logs the
 * added users out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTOMATED_226_MESSAGE, createSandbox, type Sandbox, type SandboxUser } from "../../lib/dev/sandbox/index.js";
import { admin, type Caller, entriesOf, gql, gqlPost, session } from "../support/sandbox-api.js";

let sb: Sandbox;
let a: Caller & SandboxUser;
let b: Caller & SandboxUser;
const as = (u: SandboxUser): Caller & SandboxUser => ({ ...u, url: sb.url });
beforeAll(async () => {
  sb = await createSandbox();
  a = as(sb.addUser("acct_a", { premium: true }));
  b = as(sb.addUser("acct_b"));
});
afterAll(async () => {
  await sb?.close();
});

const create = (who: Caller, text: string) => gqlPost(who, "CreateTweet", { tweet_text: text });
const createdId = (json: any): string | undefined => json?.data?.create_tweet?.tweet_results?.result?.rest_id;

describe("a sandbox with several users", () => {
  it("refuses a bad or already logged-in handle, in process and on the admin API", async () => {
    expect(() => sb.addUser("not a handle")).toThrow(/not an x\.com handle/);
    expect(() => sb.addUser("ACCT_A")).toThrow(/@ACCT_A is logged in already/);
    expect(() => sb.addUser(sb.user)).toThrow(/logged in already/);
    expect(await admin(sb, "POST", "users", { handle: "way_too_long_handle_x" })).toMatchObject({ status: 400, json: { error: expect.stringContaining("handle") } });
    expect(await admin(sb, "POST", "users", { handle: "acct_b" })).toMatchObject({ status: 409 });
    const added = await admin(sb, "POST", "users", { handle: "acct_http" });
    expect(added).toMatchObject({ status: 200, json: { user: "acct_http", storageState: { cookies: [{ name: "auth_token" }, { name: "ct0" }] } } });
    const viaHttp = { url: sb.url, storageState: () => added.json.storageState };
    expect(createdId((await create(viaHttp, `from http ${Date.now()}`)).json)).toMatch(/^\d{19}$/);
    expect(sb.posts().at(-1)).toMatchObject({ author: "acct_http" });
  });

  it("CreateTweet posts as the caller; a duplicate is one author's repeat, not another's", async () => {
    const text = `same words ${Date.now()}`;
    const byA = await create(a, text);
    const byB = await create(b, text);
    const byPrimary = await create(sb, text);
    for (const answer of [byA, byB, byPrimary]) expect(createdId(answer.json)).toMatch(/^\d{19}$/);
    expect(byA.json.data.create_tweet.tweet_results.result.core.user_results.result.legacy.screen_name).toBe("acct_a");
    const authors = sb
      .posts()
      .filter((p) => p.text === text)
      .map((p) => p.author);
    expect(authors).toEqual(["acct_a", "acct_b", sb.user]);
    expect((await create(a, text)).json).toMatchObject({ errors: [{ code: 187 }] });
    // Each one's profile timeline lists its own post only.
    const idOf = async (who: Caller, handle: string) => (await gql(who, "UserByScreenName", { screen_name: handle })).json.data.user.result.rest_id as string;
    const aId = await idOf(a, "acct_a");
    expect(await idOf(b, "acct_a")).toBe(aId); // ids do not depend on who asks
    const timeline = (await gql(b, "UserTweets", { userId: aId, count: 20 })).json;
    expect(JSON.stringify(timeline)).toContain(text);
    const own = sb.posts().filter((p) => p.text === text && p.author !== "acct_a");
    for (const p of own) expect(JSON.stringify(timeline)).not.toContain(p.id);
  });

  it("the shell, UserByScreenName and notifications treat the caller as self", async () => {
    const home = await fetch(`${sb.url}/home`, { headers: { cookie: session(a).cookie } });
    const config = JSON.parse(/window\.__SB__ = (.*?);<\/script>/.exec(await home.text())?.[1] ?? "null");
    expect(config).toMatchObject({ user: "acct_a", premium: true });
    expect(config.userId).not.toBe("1790000000000000001");
    const verified = async (who: Caller, handle: string) => (await gql(who, "UserByScreenName", { screen_name: handle })).json.data.user.result.is_blue_verified;
    expect(await verified(a, "acct_a")).toBe(true);
    expect(await verified(b, "acct_a")).toBe(false); // premium shows to its owner's session only
    const mention = `@acct_b how do you ship? ${Date.now()}`;
    await create(a, mention);
    const notifications = async (who: Caller) =>
      JSON.stringify(
        entriesOf((await gql(who, "NotificationsTimeline", { timeline_type: "Mentions", count: 20 })).json.data.viewer_v2.user_results.result.notification_timeline.timeline.instructions),
      );
    expect(await notifications(b)).toContain(mention);
    expect(await notifications(a)).not.toContain(mention);
    expect(await notifications(sb)).not.toContain(mention);
  });

  it("a fault with `user` applies to that user's requests only, and only theirs count it", async () => {
    sb.setFault({ kind: "automated_226", count: 1, user: "acct_a" });
    expect(createdId((await create(b, `b passes ${Date.now()}`)).json)).toBeDefined();
    expect(createdId((await create(sb, `primary passes ${Date.now()}`)).json)).toBeDefined();
    expect((await create(a, `a is refused ${Date.now()}`)).json).toMatchObject({ errors: [{ code: 226, message: AUTOMATED_226_MESSAGE }] });
    expect(createdId((await create(a, `a again ${Date.now()}`)).json)).toBeDefined(); // count 1 was a's
    expect(await admin(sb, "POST", "fault", { kind: "login_wall", user: "acct_b" })).toMatchObject({ status: 200, json: { fault: { user: "acct_b" } } });
    expect((await gql(b, "HomeTimeline", {})).status).toBe(401);
    expect((await gql(a, "HomeTimeline", {})).status).toBe(200);
    expect(await admin(sb, "POST", "fault", { kind: "login_wall", user: "not a handle" })).toMatchObject({ status: 400 });
    sb.setFault(null);
  });

  it("an unknown auth_token is logged out; reset() logs the added users out", async () => {
    const stranger = { url: sb.url, storageState: () => ({ ...a.storageState(), cookies: a.storageState().cookies.map((c) => (c.name === "auth_token" ? { ...c, value: "0".repeat(40) } : c)) }) };
    expect((await gql(stranger, "HomeTimeline", {})).status).toBe(401);
    expect(await (await fetch(`${sb.url}/home`, { headers: { cookie: session(stranger).cookie } })).text()).not.toContain("window.__SB__");
    sb.reset();
    expect((await gql(a, "HomeTimeline", {})).status).toBe(401);
    expect((await gql(sb, "HomeTimeline", {})).status).toBe(200);
    expect(sb.addUser("acct_a").user).toBe("acct_a");
  });
});
