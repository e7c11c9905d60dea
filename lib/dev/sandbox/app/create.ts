/**
 * Posting: CreateTweet, or CreateNoteTweet for a long post (weighted length > 280, Premium),
 * with the same request body as x.com's web client. Resolves to the new rest_id.
 */
import { isNoteLength } from "../length.js";
import { config } from "./config.js";
import { gqlHeaders, gqlUrl } from "./gql.js";
import { obj, path, text } from "./shape.js";

/** Message when an answer carries neither an id nor an error. */
const FALLBACK = "Something went wrong. Try reloading.";

/** What a tweet attaches: uploaded media ids and a quoted post's URL (`attachment_url`). */
export interface Attach {
  mediaIds?: string[];
  attachmentUrl?: string | null;
}

function variablesOf(tweetText: string, replyTo: string | null, note: boolean, attach: Attach): Record<string, unknown> {
  const v: Record<string, unknown> = {
    tweet_text: tweetText,
    dark_request: false,
    media: { media_entities: (attach.mediaIds ?? []).map((id) => ({ media_id: id, tagged_users: [] })), possibly_sensitive: false },
    semantic_annotation_ids: [],
  };
  if (attach.attachmentUrl) v.attachment_url = attach.attachmentUrl;
  if (replyTo) v.reply = { in_reply_to_tweet_id: replyTo, exclude_reply_user_ids: [] };
  if (note) v.richtext_options = { richtext_tags: [] };
  return v;
}

/** Posts one tweet (a reply when `replyTo` is set); throws with x.com's error message. */
export async function createTweet(tweetText: string, replyTo: string | null, attach: Attach = {}): Promise<string> {
  const note = isNoteLength(tweetText);
  const op = note ? "CreateNoteTweet" : "CreateTweet";
  const queryId = config().queryIds[op] ?? "";
  const res = await fetch(gqlUrl(op), {
    method: "POST",
    credentials: "include",
    headers: gqlHeaders(),
    body: JSON.stringify({ variables: variablesOf(tweetText, replyTo, note, attach), features: {}, queryId }),
  });
  const body: unknown = await res.json().catch(() => ({}));
  const key = note ? "notetweet_create" : "create_tweet";
  const id = text(path(body, "data", key, "tweet_results", "result"), "rest_id");
  if (id) return id;
  const err = obj((obj(body)?.errors as unknown[] | undefined)?.[0]);
  throw new Error(text(err, "message") || FALLBACK);
}
