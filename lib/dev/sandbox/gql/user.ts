/** User results: the 2026 shape (no `legacy`), the 2024 shape (`legacy`) and UserUnavailable. */
import { twitterDate } from "../format.js";
import { followersOf } from "../queries.js";
import type { UserInfo } from "../state.js";
import { userRestId } from "../context.js";
import { nodeId, type ReadCtx } from "./read-ctx.js";

/** Fixed account creation time of every sandbox user (2019-03-14). */
const CREATED_MS = Date.UTC(2019, 2, 14, 9, 26, 53);

function isSelf(rc: ReadCtx, info: UserInfo): boolean {
  return info.handle.toLowerCase() === rc.viewer.handle.toLowerCase();
}

function tweetCount(rc: ReadCtx, info: UserInfo): number {
  const h = info.handle.toLowerCase();
  return [...rc.sb.state.posts.values()].filter((p) => !p.deleted && !p.vanished && p.author.toLowerCase() === h).length;
}

/**
 * "timeout" when the sandbox user is restricted (fault), else "". The field is x.com's
 * (raw_user_by_login.json `profile_metadata.profile_interstitial_type`; 2024: under `legacy`);
 * "timeout" is the value for temporarily restricted accounts (sandbox brief).
 */
function interstitial(rc: ReadCtx, info: UserInfo): string {
  return rc.restricted && isSelf(rc, info) ? "timeout" : "";
}

/**
 * The 2026 user result: handle under `core`, counts under `relationship_counts` and
 * `tweet_counts`, no `legacy` at all.
 * Shape: vladkens/twscrape tests/mocked-data/raw_user_by_login.json (2026 capture).
 */
function user2026(rc: ReadCtx, info: UserInfo, restId: string): Record<string, unknown> {
  return {
    __typename: "User",
    id: nodeId("User", restId),
    rest_id: restId,
    avatar: { image_url: `https://pbs.twimg.com/profile_images/${restId}/avatar_normal.jpg` },
    core: { created_at: twitterDate(CREATED_MS), name: info.name, screen_name: info.handle },
    is_blue_verified: isSelf(rc, info) && rc.viewer.premium,
    privacy: { protected: false },
    profile_image_shape: "Circle",
    profile_metadata: { profile_interstitial_type: interstitial(rc, info) },
    relationship_counts: { followers: followersOf(rc.sb.state, info.handle), following: info.following },
    tweet_counts: { media_tweets: 0, tweets: tweetCount(rc, info) },
    verification: { verified: false },
  };
}

/**
 * The 2024 user result: everything under `legacy`.
 * Shape: vladkens/twscrape tests/mocked-data/old_user_by_login.json (2024 capture).
 */
function user2024(rc: ReadCtx, info: UserInfo, restId: string): Record<string, unknown> {
  const followers = followersOf(rc.sb.state, info.handle);
  return {
    __typename: "User",
    id: nodeId("User", restId),
    rest_id: restId,
    is_blue_verified: isSelf(rc, info) && rc.viewer.premium,
    profile_image_shape: "Circle",
    legacy: {
      created_at: twitterDate(CREATED_MS),
      name: info.name,
      screen_name: info.handle,
      followers_count: followers,
      normal_followers_count: followers,
      friends_count: info.following,
      statuses_count: tweetCount(rc, info),
      profile_interstitial_type: interstitial(rc, info),
      profile_image_url_https: `https://pbs.twimg.com/profile_images/${restId}/avatar_normal.jpg`,
      verified: false,
    },
  };
}

/** A user result in the request's generation. */
export function userResult(rc: ReadCtx, info: UserInfo): Record<string, unknown> {
  const restId = userRestId(rc.sb, info.handle);
  return rc.gen === "2024" ? user2024(rc, info, restId) : user2026(rc, info, restId);
}

/** The author result of a tweet (unknown authors get a placeholder profile). */
export function authorResult(rc: ReadCtx, handle: string): Record<string, unknown> {
  const info = rc.sb.state.userInfo(handle) ?? { handle, name: handle, followers: 0, following: 0 };
  return userResult(rc, info);
}

/**
 * A suspended user. Spec: fa0311/twitter-openapi src/openapi/schemas/user.yaml UserUnavailable
 * (`reason`, `message`).
 */
export function suspendedUser(withMessage: boolean): Record<string, unknown> {
  return { __typename: "UserUnavailable", reason: "Suspended", ...(withMessage ? { message: "User is suspended" } : {}) };
}

/** The known user with this rest_id, if any. */
export function userById(rc: ReadCtx, restId: string): UserInfo | undefined {
  return [...rc.sb.state.users.values()].find((u) => userRestId(rc.sb, u.handle) === restId);
}
