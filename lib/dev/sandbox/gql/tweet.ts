/**
 * TweetUnion results: a Tweet, sometimes wrapped as TweetWithVisibilityResults, or a
 * TweetTombstone for a deleted post.
 * Spec: fa0311/twitter-openapi src/openapi/schemas/tweet.yaml TweetUnion, Tweet, TweetLegacy,
 * TweetView, NoteTweet. Shape: vladkens/twscrape tests/mocked-data/raw_user_tweets.json (2026).
 */
import { hash01 } from "../engagement.js";
import { twitterDate } from "../format.js";
import { isNoteLength } from "../length.js";
import { hasViewCount, metricsOf, quotesOf } from "../queries.js";
import type { StoredPost } from "../types.js";
import { photos } from "./media.js";
import { userRestId } from "../context.js";
import { nodeId, type ReadCtx } from "./read-ctx.js";
import { noteHead, servedText, tcoLink } from "./text.js";
import { authorResult } from "./user.js";

/** `source` of posts made on the web. Shape: raw_user_tweets.json `source`. */
const WEB_SOURCE = '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>';
/** Text of x.com's tombstone for a deleted post (GraphQL; the DOM shows the same). */
export const TOMBSTONE_TEXT = "This Post was deleted by the Post author. Learn more";

function counts(rc: ReadCtx, post: StoredPost): Record<string, number> {
  const m = metricsOf(rc.sb.state, post);
  return {
    bookmark_count: m.bookmarks,
    favorite_count: m.likes,
    quote_count: quotesOf(rc.sb.state, post),
    reply_count: m.replies,
    retweet_count: m.reposts,
  };
}

function replyFields(rc: ReadCtx, post: StoredPost): Record<string, string> {
  const parent = post.inReplyTo ? rc.sb.state.posts.get(post.inReplyTo) : undefined;
  if (!post.inReplyTo || !parent) return {};
  return {
    in_reply_to_screen_name: parent.author,
    in_reply_to_status_id_str: post.inReplyTo,
    in_reply_to_user_id_str: userRestId(rc.sb, parent.author),
  };
}

/**
 * A reply to someone else's post starts with "@<parent author> " in full_text, outside
 * display_text_range; a self-reply (a thread) does not. Quirk: vladkens/twscrape
 * tests/mocked-data/raw_tweet_details.json ("@TwitterDev What data ..." with range [12, 267],
 * the thread's own tweets with [0, n]).
 */
function replyPrefix(rc: ReadCtx, post: StoredPost): string {
  const parent = post.inReplyTo ? rc.sb.state.posts.get(post.inReplyTo) : undefined;
  return parent && parent.author.toLowerCase() !== post.author.toLowerCase() ? `@${parent.author} ` : "";
}

/** `legacy` of a Tweet; a long post's full_text is only its head (the rest is in note_tweet). */
function legacy(rc: ReadCtx, post: StoredPost): Record<string, unknown> {
  const prefix = replyPrefix(rc, post);
  const shown = servedText(rc, post.id, prefix + (isNoteLength(post.text) ? noteHead(post.text) : post.text));
  const start = [...prefix].length;
  const end = [...shown.text].length;
  const pics = photos(post, post.author, end + 1);
  const media = pics.media.length > 0 ? { extended_entities: { media: pics.media } } : {};
  return {
    ...counts(rc, post),
    bookmarked: false,
    conversation_id_str: post.threadRootId,
    created_at: twitterDate(post.createdAtMs),
    display_text_range: [start, end],
    entities: { ...shown.entities, ...(pics.media.length > 0 ? { media: pics.media.slice(0, 1) } : {}) },
    ...media,
    favorited: false,
    full_text: pics.media.length > 0 ? `${shown.text} ${pics.link}` : shown.text,
    id_str: post.id,
    is_quote_status: post.quoteOf !== undefined,
    ...quoteFields(rc, post),
    lang: "en",
    possibly_sensitive: false,
    retweeted: false,
    user_id_str: userRestId(rc.sb, post.author),
    ...replyFields(rc, post),
  };
}

/** `quoted_status_id_str` and `quoted_status_permalink` of a quote post (spec: tweet.yaml TweetLegacy). */
function quoteFields(rc: ReadCtx, post: StoredPost): Record<string, unknown> {
  const quoted = post.quoteOf ? rc.sb.state.posts.get(post.quoteOf) : undefined;
  if (!post.quoteOf || !quoted) return {};
  const expanded = `https://x.com/${quoted.author}/status/${quoted.id}`;
  return { quoted_status_id_str: quoted.id, quoted_status_permalink: { url: tcoLink(`${post.id}:quote`), expanded, display: `x.com/${quoted.author}/status/${quoted.id}` } };
}

/** `quoted_status_result` of a quote post: the quoted tweet, one level deep (spec: tweet.yaml Tweet). */
function quotedResult(rc: ReadCtx, post: StoredPost, depth: number): Record<string, unknown> {
  const quoted = post.quoteOf ? rc.sb.state.visiblePost(post.quoteOf) : undefined;
  if (!quoted || depth > 0) return {};
  return { quoted_status_result: { result: quoted.deleted ? tombstoneUnion() : tweetUnion(rc, quoted, depth + 1) } };
}

/** `note_tweet` of a long post (weighted length > 280), else nothing. */
function noteTweet(rc: ReadCtx, post: StoredPost): Record<string, unknown> {
  if (!isNoteLength(post.text)) return {};
  const full = servedText(rc, post.id, post.text);
  const result = { entity_set: full.entities, id: nodeId("NoteTweet", post.id), media: { inline_media: [] }, richtext: { richtext_tags: [] }, text: full.text };
  return { note_tweet: { is_expandable: true, note_tweet_results: { result } } };
}

/** `views`: a count (a string) since 2023, only "Enabled" before. */
function views(rc: ReadCtx, post: StoredPost): Record<string, string> {
  if (!hasViewCount(post)) return { state: "Enabled" };
  return { count: String(metricsOf(rc.sb.state, post).views), state: "EnabledWithCount" };
}

/** The Tweet object (without `__typename`, so it can be wrapped). */
function tweetBody(rc: ReadCtx, post: StoredPost, depth: number): Record<string, unknown> {
  return {
    rest_id: post.id,
    core: { user_results: { result: authorResult(rc, post.author) } },
    unmention_data: {},
    edit_control: { edit_tweet_ids: [post.id], editable_until_msecs: String(post.createdAtMs + 3_600_000), is_edit_eligible: true, edits_remaining: "5" },
    is_translatable: false,
    views: views(rc, post),
    source: WEB_SOURCE,
    ...noteTweet(rc, post),
    ...quotedResult(rc, post, depth),
    legacy: legacy(rc, post),
  };
}

/**
 * The TweetUnion of a live post. About 1 in 4 (by id) is wrapped as TweetWithVisibilityResults
 * (spec: tweet.yaml TweetWithVisibilityResults), as x.com does for posts with limited actions.
 */
export function tweetUnion(rc: ReadCtx, post: StoredPost, depth = 0): Record<string, unknown> {
  const body = tweetBody(rc, post, depth);
  if (hash01(5, `${post.id}:visibility`) < 0.25) {
    return { __typename: "TweetWithVisibilityResults", tweet: body, limitedActionResults: { limited_actions: [] } };
  }
  return { __typename: "Tweet", ...body };
}

/** A deleted post. Spec: tweet.yaml TweetTombstone; TextTombstone as x.com serves it. */
export function tombstoneUnion(): Record<string, unknown> {
  const from = TOMBSTONE_TEXT.indexOf("Learn more");
  const ref = { type: "TimelineUrl", url: "https://help.twitter.com/rules-and-policies/notices-on-twitter", urlType: "ExternalUrl" };
  const text = { rtl: false, text: TOMBSTONE_TEXT, entities: [{ fromIndex: from, toIndex: TOMBSTONE_TEXT.length, ref }] };
  return { __typename: "TweetTombstone", tombstone: { __typename: "TextTombstone", text } };
}

/** TweetUnion of any visible post: a tombstone once deleted. */
export function resultOf(rc: ReadCtx, post: StoredPost): Record<string, unknown> {
  return post.deleted ? tombstoneUnion() : tweetUnion(rc, post);
}
