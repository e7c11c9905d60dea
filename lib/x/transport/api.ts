/**
 * The API transport: the official X API v2 through twitter-api-v2, OAuth 1.0a user context.
 * Posting is `POST /2/tweets` (threads are reply chains); the new id comes back in the
 * answer. `onClicked` fires as the request leaves: from then on, no answer (a timeout, a
 * reset, a 5xx) is an unknown outcome (`details.posted: "unknown"`) that only reconciliation
 * through the owned timeline resolves; nothing is retried blindly. Reads prefer owned reads
 * (timeline, mentions) and batch ids (metrics, 100 a call; api-reads.ts); every call is metered.
 * Who we are (`GET /2/users/me`) is looked up once and kept in `identity` across runs.
 */
import type { TweetV2 } from "twitter-api-v2";
import { XbotError } from "../../errors.js";
import type { PostOptions, PostResult, TimelineRead } from "../types.js";
import { v2Client, type ApiIdentity, type ApiMeter, type ApiTransportOptions } from "./api-client.js";
import { identityOf } from "./api-identity.js";
import { apiFollowers, apiMentions, apiMetricsFor, type ReadDeps } from "./api-reads.js";
import { apiError } from "./api-errors.js";
import { ownTimeline, TWEET_FIELDS, tweetOf } from "./api-read.js";
import type { XOps, XTransport } from "./port.js";
import { hasUrl, type ApiOp } from "./prices.js";

export { apiAccess, type ApiIdentity, type ApiIdentityCache, type ApiMeter, type ApiTransportOptions } from "./api-client.js";

/** The priced operation of a post: X charges a post with a URL many times a plain one. */
function postOp(text: string): ApiOp {
  return hasUrl(text) ? "post_url" : "post";
}

/** Most resources one read call can return (one page). */
const PAGE = 100;

const TWEET_ID = /^\d{1,20}$/;
const FREE: ApiMeter = { reserve: async () => 0, settle: async () => {} };

function checkTexts(texts: readonly string[]): void {
  if (texts.length === 0 || texts.some((t) => t.trim() === "")) throw new XbotError("validation", "nothing to post (an empty tweet)", { details: { posted: false } });
}

/** Images are uploaded by the browser composer only: the API adapter refuses them before any call. */
function refuseMedia(media: readonly (readonly unknown[])[]): void {
  if (media.some((m) => m.length > 0)) {
    throw new XbotError("validation", "the API transport does not upload images yet: post items with media through the browser (XBOT_X_TRANSPORT=browser)", { details: { posted: false, via: "api" } });
  }
}

/** A transport over the X API v2 (see the module doc). */
export function apiTransport(o: ApiTransportOptions): XTransport {
  const { v2, req } = v2Client(o);
  const meter = o.meter ?? FREE;
  const { whoAmI, forget } = identityOf(o.identity, async () => (await call("me", false, () => v2.get<{ data: ApiIdentity }>("users/me", {}, req), 1, undefined, 1)).data);

  /** One metered call: reserved first (a write is reserved by the caller, `reserved` given), settled after. */
  async function call<T>(op: ApiOp, write: boolean, run: () => Promise<T>, resources: number | ((r: T) => number), reserved?: number, most = PAGE): Promise<T> {
    const held = reserved ?? (await meter.reserve(op, most));
    let result: T;
    try {
      result = await run();
    } catch (error) {
      const e = apiError(error, op, write);
      // A write X may have taken stays paid; anything X refused is returned.
      await meter.settle(op, write && e.details?.posted !== false ? 1 : 0, held);
      if (e.code === "session_expired") await forget(); // X refused the keys: the id they named is not trusted again
      throw e;
    }
    await meter.settle(op, typeof resources === "number" ? resources : resources(result), held);
    return result;
  }

  const reads: ReadDeps = { v2, req, whoAmI, read: (op, run, resources, most) => call(op, false, run, resources, undefined, most) };

  async function create(text: string, replyTo: string | undefined, reserved: number, quoteOf?: string): Promise<string> {
    const body = { text, ...(replyTo ? { reply: { in_reply_to_tweet_id: replyTo } } : {}), ...(quoteOf ? { quote_tweet_id: quoteOf } : {}) };
    const answer = await call(postOp(text), true, () => v2.post<{ data?: { id?: string } }>("tweets", body, req), 1, reserved);
    const id = answer.data?.id;
    if (!id || !TWEET_ID.test(id)) throw new XbotError("page_unexpected", "POST /2/tweets answered without a tweet id", { details: { posted: "unknown", via: "api" } });
    return id;
  }

  async function chain(texts: readonly string[], replyTo: string | undefined, opts: PostOptions = {}, quoteOf?: string): Promise<PostResult> {
    checkTexts(texts);
    if (opts.signal?.aborted) throw new XbotError("deadline", "deadline before posting", { details: { posted: false } });
    if (opts.dryRun) return { tweetIds: [], source: "dry" };
    const reserved = await reserveAll(texts);
    await opts.onClicked?.();
    const ids: string[] = [];
    let previous = replyTo;
    for (const [i, text] of texts.entries()) {
      try {
        previous = await create(text, previous, reserved[i]!, i === 0 ? quoteOf : undefined);
      } catch (error) {
        const e = apiError(error, "post", true);
        for (let j = i + 1; j < texts.length; j++) await meter.settle(postOp(texts[j]!), 0, reserved[j]!);
        if (ids.length === 0) throw e;
        throw new XbotError(e.code, e.message, { cause: e, details: { ...e.details, tweetIds: ids, posted: "unknown" } });
      }
      ids.push(previous);
    }
    return { tweetIds: ids, source: "api" };
  }

  /** Reserves every tweet of a post before the first leaves: a thread the budget cannot pay for is not started. */
  async function reserveAll(texts: readonly string[]): Promise<number[]> {
    const held: number[] = [];
    try {
      for (const text of texts) held.push(await meter.reserve(postOp(text), 1));
    } catch (error) {
      for (const [i, micros] of held.entries()) await meter.settle(postOp(texts[i]!), 0, micros);
      throw error;
    }
    return held;
  }

  async function conversation(tweetId: string): Promise<TimelineRead> {
    const found = await call(
      "lookup",
      false,
      () => v2.get<{ data?: TweetV2[] }>("tweets", { ids: tweetId, "tweet.fields": TWEET_FIELDS, expansions: "author_id" }, req),
      (r) => r.data?.length ?? 0,
      undefined,
      1,
    );
    const target = found.data?.[0];
    if (!target) throw new XbotError("x_tweet_deleted", `tweet ${tweetId} is deleted or not visible`, { details: { tweetId, via: "api" } });
    const self = await whoAmI();
    const since = target.created_at ? new Date(target.created_at) : undefined;
    const own = await ownRead(self, { max: 800, ...(since ? { since } : {}) });
    const conv = target.conversation_id ?? target.id;
    const mine = own.read.tweets.filter((t) => t.id !== target.id && own.conversations.get(t.id) === conv);
    const author = target.author_id === self.id ? self.username : `id:${target.author_id ?? "?"}`;
    const complete = own.read.reachedEnd || (since !== undefined && own.read.coveredSince !== null && own.read.coveredSince <= since);
    return { ...own.read, tweets: [tweetOf(target, author), ...mine], unreadable: complete ? 0 : 1 };
  }

  async function ownRead(self: { id: string; username: string }, opts: Parameters<XOps["recentTimeline"]>[1]): Promise<{ read: TimelineRead; conversations: Map<string, string> }> {
    const conversations = new Map<string, string>();
    const read = await call(
      "timeline",
      false,
      () => ownTimeline(v2, self, opts, req, conversations),
      (r) => r.tweets.length,
    );
    return { read, conversations };
  }

  const ops: XOps = {
    postSingle: async (text, opts, media = []) => {
      refuseMedia([media]);
      return chain([text], undefined, opts);
    },
    postThread: async (texts, opts, media = []) => {
      refuseMedia(media);
      return chain(texts, undefined, opts);
    },
    reply: async (tweetId, text, opts, media = []) => {
      if (!TWEET_ID.test(tweetId)) throw new XbotError("validation", `not a tweet id: ${tweetId}`, { details: { posted: false } });
      refuseMedia([media]);
      return chain([text], tweetId, opts);
    },
    postQuote: async (tweetId, text, opts, media = []) => {
      if (!TWEET_ID.test(tweetId)) throw new XbotError("validation", `not a tweet id: ${tweetId}`, { details: { posted: false } });
      refuseMedia([media]);
      return chain([text], undefined, opts, tweetId);
    },
    async recentTimeline(user, opts) {
      const self = await whoAmI();
      if (user.toLowerCase() !== self.username.toLowerCase()) throw new XbotError("validation", `the API transport reads only our own timeline (@${self.username}), not @${user}`);
      return (await ownRead(self, opts)).read;
    },
    conversation,
    metricsFor: (ids) => apiMetricsFor(reads, ids),
    followers: () => apiFollowers(reads),
    mentions: (opts) => apiMentions(reads, opts),
    async checkSession() {
      return { loggedIn: true, user: (await whoAmI()).username };
    },
  };
  return { kind: "api", use: (_label, work) => work(ops) };
}
