/**
 * Talking to a sandbox from a test without a browser: the admin API and GraphQL calls with
 * the sandbox session (auth_token + ct0 cookies, x-csrf-token header).
 */
import type { Sandbox, SandboxPost } from "../../lib/dev/sandbox/index.js";

/** A JSON answer. */
export interface Answer<R = any> {
  status: number;
  json: R;
}

/** The header the sandbox's admin API requires. */
export function adminHeaders(sb: Pick<Sandbox, "adminToken">): Record<string, string> {
  return { "x-sandbox-token": sb.adminToken };
}

/** Calls `/__sandbox/<path>` with the sandbox's admin token. */
export async function admin<R = any>(sb: Sandbox, method: string, path: string, body?: unknown): Promise<Answer<R>> {
  const res = await fetch(`${sb.url}/__sandbox/${path}`, {
    method,
    headers: { "content-type": "application/json", ...adminHeaders(sb) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as R };
}

/** Seeds posts and returns them. */
export async function seedPosts(sb: Sandbox, posts: unknown[]): Promise<SandboxPost[]> {
  const { status, json } = await admin<{ posts: SandboxPost[] }>(sb, "POST", "seed", { posts });
  if (status !== 200) throw new Error(`seed failed: ${JSON.stringify(json)}`);
  return json.posts;
}

/** Who calls: the sandbox (its user's session), or `{ url, storageState }` of a user added with Sandbox.addUser. */
export type Caller = Pick<Sandbox, "url" | "storageState">;

/** The session's Cookie header and its CSRF token (ct0). */
export function session(sb: Caller): { cookie: string; ct0: string } {
  const cookies = sb.storageState().cookies;
  const ct0 = cookies.find((c) => c.name === "ct0")?.value ?? "";
  return { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "), ct0 };
}

/** Options of a GraphQL call. */
export interface GqlOpts {
  /** Send no cookies / no CSRF header. */
  anonymous?: boolean;
  noCsrf?: boolean;
  /** Referer (its `?variant=` picks the answer generation). */
  referer?: string;
  method?: string;
  queryId?: string;
}

/** `GET /i/api/graphql/<id>/<op>?variables=...&features=...` with the session. */
export async function gql<R = any>(sb: Caller, op: string, variables: unknown, opts: GqlOpts = {}): Promise<Answer<R>> {
  const s = session(sb);
  const headers: Record<string, string> = {};
  if (!opts.anonymous) headers.cookie = s.cookie;
  if (!opts.anonymous && !opts.noCsrf) headers["x-csrf-token"] = s.ct0;
  if (opts.referer) headers.referer = opts.referer;
  const qs = new URLSearchParams({ variables: JSON.stringify(variables), features: "{}" });
  const res = await fetch(`${sb.url}/i/api/graphql/${opts.queryId ?? "AnyQueryId123"}/${op}?${qs}`, { method: opts.method ?? "GET", headers });
  return { status: res.status, json: (await res.json()) as R };
}

/** `POST /i/api/graphql/<id>/<op>` (CreateTweet, CreateNoteTweet) with the session. */
export async function gqlPost<R = any>(sb: Caller, op: string, variables: unknown): Promise<Answer<R>> {
  const s = session(sb);
  const res = await fetch(`${sb.url}/i/api/graphql/AnyQueryId123/${op}`, {
    method: "POST",
    headers: { cookie: s.cookie, "x-csrf-token": s.ct0, "content-type": "application/json" },
    body: JSON.stringify({ variables, features: {}, queryId: "AnyQueryId123" }),
  });
  return { status: res.status, json: (await res.json()) as R };
}

/** The entries of every TimelineAddEntries instruction. */
export function entriesOf(instructions: { type: string; entries?: any[] }[]): any[] {
  return instructions.filter((i) => i.type === "TimelineAddEntries").flatMap((i) => i.entries ?? []);
}

/** UserTweets instructions in either generation. */
export function userTweetsInstructions(json: any): any[] {
  const r = json?.data?.user?.result;
  return (r?.timeline ?? r?.timeline_v2)?.timeline?.instructions ?? [];
}

/** Tweet ids of the tweet items and module items of entries, in order. */
export function tweetIdsOf(entries: any[]): string[] {
  const fromContent = (ic: any): string[] => {
    const r = ic?.tweet_results?.result;
    const t = r?.__typename === "TweetWithVisibilityResults" ? r.tweet : r;
    return t?.rest_id ? [t.rest_id as string] : [];
  };
  return entries.flatMap((e) =>
    e.content?.entryType === "TimelineTimelineModule" ? (e.content.items ?? []).flatMap((i: any) => fromContent(i.item?.itemContent)) : fromContent(e.content?.itemContent),
  );
}

/** The Tweet object of an item's result (unwrapping TweetWithVisibilityResults). */
export function unwrap(result: any): any {
  return result?.__typename === "TweetWithVisibilityResults" ? result.tweet : result;
}
