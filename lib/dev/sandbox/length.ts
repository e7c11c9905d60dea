/** X's weighted text length (twitter-text: URLs count 23, most CJK and emoji 2), for the server and the page script. */
import twitterText from "twitter-text";

/** Weighted limit of an ordinary post. */
export const MAX_TWEET_WEIGHT = 280;
/** Weighted limit of a Premium long post (a "note tweet", CreateNoteTweet). */
export const MAX_NOTE_WEIGHT = 25_000;

/** X's weighted length of a text. */
export function weightedLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength;
}

/** Whether a text needs CreateNoteTweet (longer than an ordinary post allows). */
export function isNoteLength(text: string): boolean {
  return weightedLength(text) > MAX_TWEET_WEIGHT;
}
