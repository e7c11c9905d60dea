/** `TweetDetail`: a status page's conversation. */
import { conversation } from "../timelines.js";
import { STATUS_MISSING_144 } from "./errors.js";
import { conversationModule, cursorEntry, tweetEntry } from "./entries.js";
import { str, type OpAnswer } from "./op-user.js";
import type { ReadCtx } from "./read-ctx.js";

/**
 * `data.threaded_conversation_with_injections_v2.instructions`: ancestors and the focal post as
 * `tweet-<id>` items (deleted ones as tombstones), each reply as a `conversationthread-<id>`
 * module (the reply and its author's self-replies under it), a bottom cursor, then
 * TimelineTerminateTimeline. Unknown or vanished id: HTTP 200 error 144.
 * Shape: vladkens/twscrape tests/mocked-data/raw_tweet_details.json (TimelineClearCache first).
 */
export function tweetDetail(rc: ReadCtx, vars: Record<string, unknown>): OpAnswer {
  const focal = rc.sb.state.visiblePost(str(vars, "focalTweetId") ?? "");
  if (!focal) return { status: 200, body: STATUS_MISSING_144 };
  const convo = conversation(rc.sb.state, focal);
  const replies = focal.deleted ? [] : convo.replies;
  const last = replies.at(-1);
  const bottom = (BigInt(last?.root.id ?? focal.id) - 1n).toString();
  const entries = [
    ...convo.ancestors.map((a) => tweetEntry(rc, a)),
    tweetEntry(rc, focal),
    ...replies.map((r) => conversationModule(rc, `conversationthread-${r.root.id}`, r.root.id, [r.root, ...r.chain])),
    cursorEntry("Bottom", bottom, `DAAKCgAB${Buffer.from(`replies:${focal.id}`).toString("base64url")}`),
  ];
  const instructions = [{ type: "TimelineClearCache" }, { type: "TimelineAddEntries", entries }, { type: "TimelineTerminateTimeline", direction: "Top" }];
  return { status: 200, body: { data: { threaded_conversation_with_injections_v2: { instructions } } } };
}
