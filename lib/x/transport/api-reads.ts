/**
 * The port's reads over the X API v2. Metrics: `GET /2/tweets?ids=` with up to 100 ids a call
 * (docs.x.com/x-api/posts/post-lookup-by-post-ids; ids X cannot return come back in `errors`
 * with `resource_id` and `title: "Not Found Error"` or `"Authorization Error"`, next to the
 * found ones in `data`). Followers: `public_metrics.followers_count` of `GET /2/users/me`.
 * Mentions: the owned read `GET /2/users/:id/mentions` with the `author_id` expansion.
 */
import type { TweetV2, TwitterApiv2, UserV2 } from "twitter-api-v2";
import { XbotError } from "../../errors.js";
import type { FollowersRead, TimelineRead, TweetMetrics } from "../types.js";
import { metricsOf, TWEET_FIELDS, tweetOf } from "./api-read.js";
import { apiError } from "./api-errors.js";
import type { MentionsOptions, MetricsRead } from "./port.js";
import type { ApiOp } from "./prices.js";

/** One metered read: reserves `most` resources of `op`, runs, settles what `resources` says was returned. */
export type MeteredRead = <T>(op: ApiOp, run: () => Promise<T>, resources: (r: T) => number, most: number) => Promise<T>;

/** What the reads need: the client, its request options, the meter, and who we are. */
export interface ReadDeps {
  readonly v2: TwitterApiv2;
  readonly req: { prefix: string; timeout: number };
  readonly read: MeteredRead;
  whoAmI(): Promise<{ id: string; username: string }>;
}

/** Most ids one `GET /2/tweets` takes. */
export const IDS_PER_CALL = 100;
const TWEET_ID = /^\d{1,20}$/;
const GONE = /not found|authorization/i;

interface LookupPage {
  data?: TweetV2[];
  errors?: { resource_id?: string; value?: string; title?: string; detail?: string }[];
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  return Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
}

/** Files one answered batch: found posts, posts X says are gone, and ids the answer left out. */
function fileBatch(page: LookupPage, batch: readonly string[], out: { metrics: Map<string, TweetMetrics>; deleted: string[]; failed: Map<string, XbotError> }): void {
  const found = new Set<string>();
  for (const t of page.data ?? []) {
    const m = metricsOf(t);
    if (!m) continue;
    out.metrics.set(t.id, m);
    found.add(t.id);
  }
  const gone = new Set((page.errors ?? []).filter((e) => GONE.test(e.title ?? "")).map((e) => e.resource_id ?? e.value ?? ""));
  for (const id of batch) {
    if (found.has(id)) continue;
    if (gone.has(id)) out.deleted.push(id);
    else out.failed.set(id, new XbotError("page_unexpected", `GET /2/tweets answered without post ${id} or an error for it`, { details: { tweetId: id, via: "api" } }));
  }
}

/** Counters of `ids`, 100 a call; see {@link MetricsRead}. */
export async function apiMetricsFor(d: ReadDeps, ids: readonly string[]): Promise<MetricsRead> {
  const out = { metrics: new Map<string, TweetMetrics>(), deleted: [] as string[], failed: new Map<string, XbotError>() };
  const valid = [...new Set(ids)].filter((id) => {
    if (TWEET_ID.test(id)) return true;
    out.failed.set(id, new XbotError("validation", `not a tweet id: ${id}`));
    return false;
  });
  const batches = chunks(valid, IDS_PER_CALL);
  for (const [i, batch] of batches.entries()) {
    let page: LookupPage;
    try {
      page = await d.read(
        "metrics",
        () => d.v2.get<LookupPage>("tweets", { ids: batch.join(","), "tweet.fields": TWEET_FIELDS }, d.req),
        (r) => r.data?.length ?? 0,
        batch.length,
      );
    } catch (error) {
      const e = apiError(error, "metrics", false);
      if (i === 0) throw e;
      return { ...out, stopped: { error: e, unread: batches.slice(i).flat() } };
    }
    fileBatch(page, batch, out);
  }
  return out;
}

/** Our follower count from `GET /2/users/me?user.fields=public_metrics` (exact). */
export async function apiFollowers(d: ReadDeps): Promise<FollowersRead> {
  const answer = await d.read(
    "followers",
    () => d.v2.get<{ data?: UserV2 }>("users/me", { "user.fields": "public_metrics" }, d.req),
    (r) => (r.data ? 1 : 0),
    1,
  );
  const n = answer.data?.public_metrics?.followers_count;
  if (typeof n !== "number") throw new XbotError("page_unexpected", "GET /2/users/me answered without public_metrics.followers_count", { details: { via: "api" } });
  return { followers: n, source: "api", exact: true };
}

interface MentionsPage {
  data?: TweetV2[];
  includes?: { users?: UserV2[] };
  meta?: { result_count?: number; next_token?: string };
}

/** Up to `max` (5-100) recent mentions of us by others, newest first, from one owned-read page. */
export async function apiMentions(d: ReadDeps, opts: MentionsOptions): Promise<TimelineRead> {
  const me = await d.whoAmI();
  const max = Math.min(IDS_PER_CALL, Math.max(5, opts.max));
  const query = { max_results: String(max), "tweet.fields": TWEET_FIELDS, expansions: "author_id", "user.fields": "username" };
  const page = await d.read(
    "mentions",
    () => d.v2.get<MentionsPage>(`users/${me.id}/mentions`, query, d.req),
    (r) => r.data?.length ?? 0,
    max,
  );
  const handles = new Map((page.includes?.users ?? []).map((u) => [u.id, u.username]));
  const tweets = (page.data ?? [])
    .map((t) => tweetOf(t, handles.get(t.author_id ?? "") ?? `id:${t.author_id ?? "?"}`))
    .filter((t) => t.author.toLowerCase() !== me.username.toLowerCase())
    .slice(0, opts.max);
  const oldest = tweets.at(-1)?.time ?? null;
  return { tweets, source: "api", coveredSince: oldest, reachedEnd: page.meta?.next_token === undefined, unreadable: 0 };
}
