/** The X site adapter: posting, reading and session checks on a Playwright page, honest about what it saw. */
export { countFromAriaLabel, countInText, parseCount } from "./counts.js";
export { classifyCreateTweetResponse, restIdOf, type CreateTweetOutcome } from "./create-tweet.js";
export { detectWall, SESSION_EXPIRED_MESSAGE, type DetectOptions } from "./detect.js";
export { postQuote, postSingle, postThread, reply, type MediaPerTweet } from "./post.js";
export type { Attachment } from "./media.js";
export { conversation } from "./read/conversation.js";
export { readFollowers } from "./read/followers.js";
export { mentions } from "./read/mentions.js";
export { readMetrics } from "./read/metrics.js";
export { recentTimeline, type TimelineOptions } from "./read/timeline.js";
export { canonicalText, sameTweetText } from "./text.js";
export { METRIC_BUTTONS, SEL } from "./selectors.js";
export { checkSession } from "./session-check.js";
export type {
  MentionTweet,
  MetricName,
  PostOptions,
  PostResult,
  PostSource,
  FollowersRead,
  ReadSource,
  SessionCheck,
  TimelineRead,
  TimelineTweet,
  TweetMetrics,
  XSite,
} from "./types.js";
