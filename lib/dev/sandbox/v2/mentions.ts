/**
 * `GET /2/users/:id/mentions` over the sandbox's posts, in the v2 shape of the public spec
 * (docs.x.com/x-api/posts/user-mention-timeline-by-user-id; the same shape as twitter-api-v2's
 * `TweetV2UserTimelineResult`): `data` newest first, `includes.users` for the `author_id`
 * expansion, `meta` with `result_count`, `newest_id`, `oldest_id` and `next_token`.
 * `max_results` 5-100 (default 10), `pagination_token`, `start_time`.
 */
import type { SandboxCtx } from "../context.js";
import { mentions } from "../timelines.js";
import { problem } from "./problems.js";
import { tweetV2, userIdOf, type V2Answer } from "./tweets.js";

/** The mentions of the sandbox user (another id: a 404 problem, as X answers an unknown user). */
export function userMentions(ctx: SandboxCtx, id: string, url: URL): V2Answer {
  if (id !== ctx.userId) return { status: 404, body: problem(404, "Not Found Error", `Could not find user with id: [${id}].`, "https://api.twitter.com/2/problems/resource-not-found") };
  const max = Math.min(100, Math.max(5, Number(url.searchParams.get("max_results") ?? 10) || 10));
  const start = url.searchParams.get("start_time");
  const startMs = start ? Date.parse(start) : -Infinity;
  const all = mentions(ctx.state, ctx.state.user).filter((p) => p.createdAtMs >= startMs);
  const offset = Number(url.searchParams.get("pagination_token") ?? 0) || 0;
  const page = all.slice(offset, offset + max);
  const next = offset + max < all.length ? { next_token: String(offset + max) } : {};
  const meta = { result_count: page.length, ...(page[0] ? { newest_id: page[0].id, oldest_id: page.at(-1)!.id } : {}), ...next };
  if (page.length === 0) return { status: 200, body: { meta } };
  const authors = [...new Map(page.map((p) => [p.author.toLowerCase(), p.author])).values()];
  const users = authors.map((handle) => ({ id: userIdOf(ctx, handle), name: ctx.state.userInfo(handle)?.name ?? handle, username: handle }));
  return { status: 200, body: { data: page.map((p) => tweetV2(ctx, p)), includes: { users }, meta } };
}
