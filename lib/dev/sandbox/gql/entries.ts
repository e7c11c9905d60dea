/**
 * Timeline entries: tweet items, conversation modules, the who-to-follow module and cursors.
 * Shape: vladkens/twscrape tests/mocked-data/raw_user_tweets.json and raw_tweet_details.json
 * (2026 captures). Spec: fa0311/twitter-openapi src/openapi/schemas/content.yaml.
 */
import type { UserInfo } from "../state.js";
import type { StoredPost } from "../types.js";
import { userRestId } from "../context.js";
import type { ReadCtx } from "./read-ctx.js";
import { resultOf } from "./tweet.js";
import { userResult } from "./user.js";

/** One timeline entry (loosely typed JSON). */
export type Entry = Record<string, unknown> & { entryId: string; sortIndex: string };

/**
 * `itemContent` of a tweet. Older-layout posts (PostLayout "legacy") are "CondensedTweet", a
 * real tweetDisplayType (content.yaml TimelineTweet); the page script renders those without a
 * bookmark button.
 */
export function tweetContent(rc: ReadCtx, post: StoredPost, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    itemType: "TimelineTweet",
    __typename: "TimelineTweet",
    tweet_results: { result: resultOf(rc, post) },
    tweetDisplayType: post.layout === "legacy" ? "CondensedTweet" : "Tweet",
    ...extra,
  };
}

/** A `tweet-<id>` TimelineTimelineItem. */
export function tweetEntry(rc: ReadCtx, post: StoredPost, extra: Record<string, unknown> = {}): Entry {
  return {
    entryId: `tweet-${post.id}`,
    sortIndex: post.id,
    content: { entryType: "TimelineTimelineItem", __typename: "TimelineTimelineItem", itemContent: tweetContent(rc, post, extra) },
  };
}

/** A VerticalConversation module `<prefix>-<n>` of tweets, items `<prefix>-<n>-tweet-<id>`. */
export function conversationModule(rc: ReadCtx, id: string, sortIndex: string, posts: StoredPost[]): Entry {
  const items = posts.map((p) => ({ entryId: `${id}-tweet-${p.id}`, item: { itemContent: tweetContent(rc, p) } }));
  const metadata = { conversationMetadata: { allTweetIds: posts.map((p) => p.id), enableDeduplication: true } };
  return {
    entryId: id,
    sortIndex,
    content: { entryType: "TimelineTimelineModule", __typename: "TimelineTimelineModule", displayType: "VerticalConversation", items, metadata },
  };
}

/** The "Who to follow" module (users, not tweets): noise in a profile's first page. */
export function whoToFollow(rc: ReadCtx, n: string, sortIndex: string, users: UserInfo[]): Entry {
  const id = `who-to-follow-${n}`;
  const items = users.map((u) => ({
    entryId: `${id}-user-${userRestId(rc.sb, u.handle)}`,
    item: { itemContent: { itemType: "TimelineUser", __typename: "TimelineUser", user_results: { result: userResult(rc, u) }, userDisplayType: "User" } },
  }));
  const landingUrl = { url: `twitter://connect_people?user_id=${rc.viewer.userId}&display_location=profile_wtf_showmore`, urlType: "DeepLink" };
  return {
    entryId: id,
    sortIndex,
    content: {
      entryType: "TimelineTimelineModule",
      __typename: "TimelineTimelineModule",
      displayType: "Vertical",
      header: { displayType: "Classic", sticky: false, text: "Who to follow" },
      footer: { displayType: "Classic", landingUrl, text: "Show more" },
      items,
    },
  };
}

/** A `cursor-top-<sortIndex>` / `cursor-bottom-<sortIndex>` entry with an opaque value. */
export function cursorEntry(kind: "Top" | "Bottom", sortIndex: string, value: string): Entry {
  return {
    entryId: `cursor-${kind.toLowerCase()}-${sortIndex}`,
    sortIndex,
    content: { entryType: "TimelineTimelineCursor", __typename: "TimelineTimelineCursor", value, cursorType: kind },
  };
}
