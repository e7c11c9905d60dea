/** `HomeTimeline` and `NotificationsTimeline` (Mentions): flat lists of tweet items. */
import { homeTimeline, mentions } from "../timelines.js";
import type { StoredPost } from "../types.js";
import { tweetEntry } from "./entries.js";
import { countOf, str, type OpAnswer } from "./op-user.js";
import { paginate } from "./paging.js";
import { nodeId, type ReadCtx } from "./read-ctx.js";

function entriesOf(rc: ReadCtx, posts: StoredPost[], vars: Record<string, unknown>): Record<string, unknown>[] {
  const units = posts.map((p) => ({ sortIndex: p.id, entry: () => tweetEntry(rc, p) }));
  const page = paginate(units, str(vars, "cursor"), countOf(vars));
  return [...page.units.map((u) => u.entry()), ...page.cursors];
}

/** `data.home.home_timeline_urt.instructions`. Spec: fa0311/twitter-openapi paths/timeline.yaml HomeTimelineHome. */
export function homeTimelineOp(rc: ReadCtx, vars: Record<string, unknown>): OpAnswer {
  const instructions = [{ type: "TimelineAddEntries", entries: entriesOf(rc, homeTimeline(rc.sb.state), vars) }];
  const home = { home_timeline_urt: { instructions } };
  return { status: 200, body: { data: { home } } };
}

/**
 * `data.viewer_v2.user_results.result.notification_timeline.timeline.instructions`: the
 * Mentions tab (others' posts mentioning or replying to the sandbox user), newest first.
 * Spec: fa0311/twitter-openapi paths/timeline.yaml NotificationsTimelineResponse.
 */
export function notificationsOp(rc: ReadCtx, vars: Record<string, unknown>): OpAnswer {
  const instructions = [{ type: "TimelineAddEntries", entries: entriesOf(rc, mentions(rc.sb.state, rc.viewer.handle), vars) }];
  const timeline = { id: nodeId("Timeline", `notifications-${str(vars, "timeline_type") ?? "All"}`), timeline: { instructions } };
  const result = { __typename: "User", rest_id: rc.viewer.userId, notification_timeline: timeline };
  return { status: 200, body: { data: { viewer_v2: { user_results: { result } } } } };
}
