/** `UserByScreenName` and `UserTweets`: a profile's header and its "Posts" tab. */
import { pinnedPost, profileUnits, type ThreadUnit } from "../timelines.js";
import { conversationModule, tweetEntry, whoToFollow, type Entry } from "./entries.js";
import { paginate, type Unit } from "./paging.js";
import type { ReadCtx } from "./read-ctx.js";
import { suspendedUser, userById, userResult } from "./user.js";

/** What an operation answers. */
export interface OpAnswer {
  status: number;
  body: unknown;
}

/** Reads a string variable. */
export function str(vars: Record<string, unknown>, name: string): string | undefined {
  const v = vars[name];
  return typeof v === "string" ? v : undefined;
}

/** Reads the `count` variable (default 20, at most 100). */
export function countOf(vars: Record<string, unknown>): number {
  const n = vars.count;
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? Math.min(n, 100) : 20;
}

/**
 * `{"data":{"user":{"result": User}}}`; `{"data":{}}` for an unknown handle; a suspended
 * sandbox user is a UserUnavailable result. Shape: raw_user_by_login.json (2026 capture).
 */
export function userByScreenName(rc: ReadCtx, vars: Record<string, unknown>): OpAnswer {
  const info = rc.sb.state.userInfo(str(vars, "screen_name") ?? "");
  if (!info) return { status: 200, body: { data: {} } };
  if (rc.suspended) return { status: 200, body: { data: { user: { result: suspendedUser(true) } } } };
  return { status: 200, body: { data: { user: { result: userResult(rc, info) } } } };
}

/** A profile unit: a post, or a self-thread module `profile-conversation-<n>` (n: opaque, not a tweet id). */
function unitOf(rc: ReadCtx, u: ThreadUnit): Unit {
  if (u.chain.length === 0) return { sortIndex: u.root.id, entry: () => tweetEntry(rc, u.root) };
  const n = (BigInt(u.root.id) * 7n + 1_000_003n).toString().slice(0, 19);
  return { sortIndex: u.root.id, entry: () => conversationModule(rc, `profile-conversation-${n}`, u.root.id, [u.root, ...u.chain]) };
}

/** The first page's noise: who-to-follow after the second unit (other known users). */
function withNoise(rc: ReadCtx, handle: string, entries: Entry[]): Entry[] {
  const others = [...rc.sb.state.users.values()].filter((u) => u.handle.toLowerCase() !== handle.toLowerCase()).slice(0, 3);
  const at = Math.min(2, entries.length);
  const before = entries[at - 1];
  if (others.length === 0 || !before) return entries;
  const sortIndex = (BigInt(before.sortIndex) - 1n).toString();
  const n = (BigInt(before.sortIndex) * 3n + 5n).toString().slice(0, 19);
  return [...entries.slice(0, at), whoToFollow(rc, n, sortIndex, others), ...entries.slice(at)];
}

/**
 * TimelinePinEntry with the "Pinned" social context (shape: raw_user_tweets.json). Sandbox
 * choice: the pinned post also keeps its place in time among the entries (readers dedupe).
 */
function pinInstruction(rc: ReadCtx, handle: string): Record<string, unknown>[] {
  const pinned = pinnedPost(rc.sb.state, handle);
  if (!pinned) return [];
  const socialContext = { type: "TimelineGeneralContext", contextType: "Pin", text: "Pinned" };
  const entry = { ...tweetEntry(rc, pinned, { socialContext }), sortIndex: "9223372036854775807" };
  return [{ type: "TimelinePinEntry", entry }];
}

/**
 * UserTweets: `data.user.result.timeline.timeline` (2026) or `.timeline_v2.timeline` (2024).
 * Shape: vladkens/twscrape tests/mocked-data/raw_user_tweets.json / old_user_tweets.json.
 */
export function userTweets(rc: ReadCtx, vars: Record<string, unknown>): OpAnswer {
  const info = userById(rc, str(vars, "userId") ?? "");
  if (!info) return { status: 200, body: { data: {} } };
  if (rc.suspended) return { status: 200, body: { data: { user: { result: suspendedUser(false) } } } };
  const page = paginate(
    profileUnits(rc.sb.state, info.handle).map((u) => unitOf(rc, u)),
    str(vars, "cursor"),
    countOf(vars),
  );
  const tweets = page.units.map((u) => u.entry());
  const entries = [...(page.first ? withNoise(rc, info.handle, tweets) : tweets), ...page.cursors];
  const instructions = page.first ? [{ type: "TimelineClearCache" }, ...pinInstruction(rc, info.handle), { type: "TimelineAddEntries", entries }] : [{ type: "TimelineAddEntries", entries }];
  const timeline = { timeline: { instructions, metadata: { scribeConfig: { page: "profileBest" } } } };
  const key = rc.gen === "2024" ? "timeline_v2" : "timeline";
  return { status: 200, body: { data: { user: { result: { __typename: "User", [key]: timeline } } } } };
}
