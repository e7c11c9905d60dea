/**
 * Reply candidates: tweets we might answer. Mentions are the default source; curated
 * accounts are opt-in (XBOT_REPLY_ACCOUNTS). Rules: curated accounts' root tweets only (a
 * mention may be a reply, e.g. to one of our posts), never ourselves,
 * never the same tweet twice (a unique row per tweet), and at most N replies per author
 * per day. Score = recency (half-life 6 h) x source weight (a mention outranks a curated post),
 * and 0 (skipped, with the reason) for a target screening flags (screening.ts).
 */
import { insertCandidates } from "../db/reply-candidates.js";
import type { Sql } from "../db/sql.js";
import type { TimelineTweet } from "../x/index.js";
import { screenedScore } from "./screening.js";

/** A tweet found on X that we may reply to. */
export interface FoundTweet extends TimelineTweet {
  readonly source: "mention" | "curated";
}

const HALF_LIFE_MS = 6 * 3_600_000;
const SOURCE_WEIGHT = { mention: 1, curated: 0.6 } as const;

/** The score of a tweet at `now` (0 for ineligible ones). */
export function scoreTweet(tweet: FoundTweet, us: string, now: Date): number {
  if (tweet.author.toLowerCase() === us.toLowerCase() || (tweet.source === "curated" && tweet.inReplyTo)) return 0;
  const ageMs = tweet.time ? Math.max(0, now.getTime() - tweet.time.getTime()) : HALF_LIFE_MS;
  return SOURCE_WEIGHT[tweet.source] * 0.5 ** (ageMs / HALF_LIFE_MS);
}

/** Stores new candidates in ONE statement (a tweet already seen is never stored again). Returns how many were new. */
export async function storeCandidates(sql: Sql, accountId: string, tweets: readonly FoundTweet[], us: string, now: Date): Promise<number> {
  if (tweets.length === 0) return 0;
  const rows = tweets.map((t) => ({ tweetId: t.id, author: t.author, text: t.text, time: t.time ?? null, source: t.source, ...screenedScore(t.text, us, scoreTweet(t, us, now)) }));
  return insertCandidates(sql, accountId, now, rows);
}
