/**
 * X's weighted tweet length, computed by X's own `twitter-text` library: most CJK and
 * emoji count 2, every URL counts 23 whatever its length, and the limit is 280.
 */
import twitterText from "twitter-text";

/** X's limit on the weighted length of one tweet. */
export const MAX_WEIGHTED_LENGTH = 280;

/** The outcome of {@link checkLength}. */
export type LengthDecision = { readonly success: true; readonly weightedLength: number } | { readonly success: false; readonly weightedLength: number; readonly reason: string };

/** X's weighted length of a text. */
export function weightedLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength;
}

/** Whether one tweet's text is postable: non-empty, within 280 weighted, no invalid characters. */
export function checkLength(text: string): LengthDecision {
  const parsed = twitterText.parseTweet(text);
  const length = parsed.weightedLength;
  if (text.trim().length === 0) return { success: false, weightedLength: length, reason: "empty tweet" };
  if (length > MAX_WEIGHTED_LENGTH) return { success: false, weightedLength: length, reason: `weighted length ${length} > ${MAX_WEIGHTED_LENGTH}` };
  if (!parsed.valid) return { success: false, weightedLength: length, reason: "tweet contains characters X rejects" };
  return { success: true, weightedLength: length };
}
