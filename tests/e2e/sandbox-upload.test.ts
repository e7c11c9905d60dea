/**
 * The sandbox's media upload over HTTP, as x.com's web client calls it: INIT / APPEND
 * (multipart `media`, `segment_index`) / FINALIZE on /i/media/upload.json, alt text with
 * media/metadata/create, CreateTweet `media.media_entities` and `attachment_url`; the served
 * TweetDetail carries the upload's id and alt text (`ext_alt_text`) and the quote
 * (`quoted_status_id_str`, `quoted_status_result`), which lib/x's parser reads. x.com's
 * refusals: an unsupported type (324), unknown or reused media ids (324), a quote of a
 * missing post (144), and the CSRF check (403).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { parseTweetResult } from "../../lib/x/graphql/tweet.js";
import { entriesOf, gql, gqlPost, seedPosts, session } from "../support/sandbox-api.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await createSandbox();
});
afterAll(async () => {
  await sb.close();
});
beforeEach(() => sb.reset());

async function upload(command: Record<string, string>, body?: FormData, csrf = true): Promise<{ status: number; json: any }> {
  const s = session(sb);
  const res = await fetch(`${sb.url}/i/media/upload.json?${new URLSearchParams(command)}`, {
    method: "POST",
    headers: { cookie: s.cookie, ...(csrf ? { "x-csrf-token": s.ct0 } : {}) },
    ...(body ? { body } : {}),
  });
  return { status: res.status, json: res.status === 204 ? null : await res.json().catch(() => null) };
}

async function uploaded(bytes: Buffer, alt: string | null): Promise<string> {
  const init = await upload({ command: "INIT", total_bytes: String(bytes.length), media_type: "image/png", media_category: "tweet_image" });
  expect(init).toMatchObject({ status: 202, json: { media_id_string: expect.stringMatching(/^\d{19}$/), expires_after_secs: 86400 } });
  const id = init.json.media_id_string as string;
  for (let i = 0; i * 4 < bytes.length; i++) {
    const form = new FormData();
    form.append("media", new Blob([new Uint8Array(bytes.subarray(i * 4, i * 4 + 4))]));
    expect((await upload({ command: "APPEND", media_id: id, segment_index: String(i) }, form)).status).toBe(204);
  }
  expect(await upload({ command: "FINALIZE", media_id: id })).toMatchObject({ status: 201, json: { media_id_string: id, size: bytes.length } });
  if (alt !== null) {
    const s = session(sb);
    const res = await fetch(`${sb.url}/i/api/1.1/media/metadata/create.json`, {
      method: "POST",
      headers: { cookie: s.cookie, "x-csrf-token": s.ct0, "content-type": "application/json" },
      body: JSON.stringify({ media_id: id, alt_text: { text: alt } }),
    });
    expect(res.status).toBe(200);
  }
  return id;
}

const created = (json: any): string => json.data.create_tweet.tweet_results.result.rest_id;

describe("sandbox media upload", () => {
  it("INIT/APPEND/FINALIZE, alt text, CreateTweet media_entities and attachment_url, served back and parsed", async () => {
    const a = await uploaded(Buffer.from("0123456789"), "Chart of signups");
    const b = await uploaded(Buffer.from("abcdefgh"), null);
    const [quoted] = await seedPosts(sb, [{ author: "pg_guru", text: "Quoted post" }]);
    const post = await gqlPost(sb, "CreateTweet", {
      tweet_text: "Two images and a quote",
      media: {
        media_entities: [
          { media_id: a, tagged_users: [] },
          { media_id: b, tagged_users: [] },
        ],
        possibly_sensitive: false,
      },
      attachment_url: `https://x.com/pg_guru/status/${quoted!.id}`,
    });
    const id = created(post.json);
    expect(sb.posts().find((p) => p.id === id)).toMatchObject({
      media: 2,
      quoteOf: quoted!.id,
      photos: [
        { mediaId: a, alt: "Chart of signups", bytes: 10 },
        { mediaId: b, alt: null, bytes: 8 },
      ],
    });
    const detail = await gql(sb, "TweetDetail", { focalTweetId: id });
    const entry = entriesOf(detail.json.data.threaded_conversation_with_injections_v2.instructions).find((e) => e.entryId === `tweet-${id}`);
    const raw = entry.content.itemContent.tweet_results.result;
    const tweet = raw.__typename === "TweetWithVisibilityResults" ? raw.tweet : raw;
    expect(tweet.legacy.extended_entities.media.map((m: any) => [m.id_str, m.ext_alt_text])).toEqual([
      [a, "Chart of signups"],
      [b, undefined],
    ]);
    expect(tweet.quoted_status_result.result).toBeDefined();
    const parsed = parseTweetResult(raw);
    if (parsed.kind !== "tweet") throw new Error(parsed.kind);
    expect(parsed.tweet).toMatchObject({ text: "Two images and a quote", mediaCount: 2, mediaAlt: ["Chart of signups", null], quotedId: quoted!.id });
  });

  it("refuses what x.com refuses: unsupported type, unknown and reused ids, a missing quote, no CSRF token", async () => {
    expect(await upload({ command: "INIT", total_bytes: "10", media_type: "image/bmp" })).toMatchObject({ status: 400, json: { errors: [{ code: 324 }] } });
    expect(await upload({ command: "INIT", total_bytes: String(6 << 20), media_type: "image/png" })).toMatchObject({ status: 400, json: { errors: [{ code: 324 }] } });
    expect((await upload({ command: "INIT", total_bytes: "10", media_type: "image/png" }, undefined, false)).status).toBe(403);
    const unknown = await gqlPost(sb, "CreateTweet", { tweet_text: "ghost image", media: { media_entities: [{ media_id: "1234567890123456789" }] } });
    expect(unknown.json.errors[0].code).toBe(324);
    const id = await uploaded(Buffer.from("abcd"), null);
    const first = await gqlPost(sb, "CreateTweet", { tweet_text: "uses it", media: { media_entities: [{ media_id: id }] } });
    expect(created(first.json)).toMatch(/^\d+$/);
    expect((await gqlPost(sb, "CreateTweet", { tweet_text: "reuses it", media: { media_entities: [{ media_id: id }] } })).json.errors[0].code).toBe(324);
    expect((await gqlPost(sb, "CreateTweet", { tweet_text: "quotes nothing", attachment_url: "https://x.com/nobody/status/1234567890123456789" })).json.errors[0].code).toBe(144);
    const unfinished = (await upload({ command: "INIT", total_bytes: "10", media_type: "image/png" })).json.media_id_string;
    expect(await upload({ command: "FINALIZE", media_id: unfinished })).toMatchObject({ status: 400, json: { errors: [{ code: 324 }] } });
    sb.setFault({ kind: "upload_rejected_type" });
    expect((await upload({ command: "INIT", total_bytes: "10", media_type: "image/png" })).status).toBe(400);
  });
});
