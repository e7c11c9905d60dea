/** View models the page renders, read from GraphQL results (2026, 2024 and drifted shapes). */
import { arr, field, legacyOf, num, obj, path, text, userResultOf, type J } from "./shape.js";

/** A user as the page shows it. */
export interface UserView {
  restId: string;
  handle: string;
  name: string;
  followers: number;
  following: number;
  /** x.com's profile_interstitial_type ("" or e.g. "timeout"). */
  interstitial: string;
  /** Set for a UserUnavailable result (e.g. "Suspended"). */
  unavailable: string | null;
}

/** A link inside a text: the t.co url and what x.com displays for it. */
export interface UrlView {
  url: string;
  display: string;
}

/** A tweet as the page shows it. */
export interface TweetView {
  id: string;
  author: string;
  name: string;
  createdAtMs: number;
  /** `legacy.full_text` within `display_text_range` (a long post's head only). */
  text: string;
  /** The whole text of a long post (`note_tweet`), else null. */
  noteText: string | null;
  urls: UrlView[];
  counts: { replies: number; reposts: number; likes: number; bookmarks: number; quotes: number };
  /** Null when x.com shows no view count. */
  views: number | null;
  /** Photo count. */
  photos: number;
  /** Alt text per photo (`ext_alt_text`), "" when none. */
  alts: string[];
  /** The quoted tweet (`quoted_status_result`), or null. */
  quoted: TweetView | null;
  /** tweetDisplayType "CondensedTweet": the older layout without a bookmark button. */
  condensed: boolean;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Parses x.com's `created_at` ("Wed Oct 10 20:19:24 +0000 2018"); NaN when malformed. */
export function parseTwitterDate(s: string): number {
  const m = /^\w{3} (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) \+0000 (\d{4})$/.exec(s);
  if (!m) return NaN;
  const [, mon, d, h, mi, se, y] = m;
  return Date.UTC(Number(y), MONTHS.indexOf(mon ?? ""), Number(d), Number(h), Number(mi), Number(se));
}

/** A user result (User in either generation, or UserUnavailable). */
export function parseUser(r: J | undefined): UserView | null {
  if (!r) return null;
  const base = { restId: text(r, "rest_id"), handle: "", name: "", followers: 0, following: 0, interstitial: "", unavailable: null };
  if (r.__typename === "UserUnavailable") return { ...base, unavailable: text(r, "reason") || "Unavailable" };
  const legacy = legacyOf(r);
  const core = obj(r.core);
  const counts = obj(r.relationship_counts);
  return {
    ...base,
    handle: text(core, "screen_name") || text(legacy, "screen_name"),
    name: text(core, "name") || text(legacy, "name"),
    followers: counts ? num(counts, "followers") : num(legacy, "followers_count"),
    following: counts ? num(counts, "following") : num(legacy, "friends_count"),
    interstitial: text(obj(r.profile_metadata), "profile_interstitial_type") || text(legacy, "profile_interstitial_type"),
  };
}

function displayText(legacy: J | undefined): string {
  const full = [...text(legacy, "full_text")];
  const range = Array.isArray(legacy?.display_text_range) ? (legacy.display_text_range as number[]) : [0, full.length];
  return full.slice(range[0] ?? 0, range[1] ?? full.length).join("");
}

function urlsOf(...entities: (J | undefined)[]): UrlView[] {
  return entities.flatMap((e) => arr(e?.urls).map((u) => ({ url: text(u, "url"), display: text(u, "display_url") })));
}

function viewsOf(t: J): number | null {
  const count = text(obj(t.views), "count");
  return /^\d+$/.test(count) ? Number(count) : null;
}

function photoList(legacy: J): J[] {
  return arr(obj(field(legacy, "extended_entities"))?.media).filter((m) => m.type === "photo");
}

/** The quoted tweet of `quoted_status_result` (unwrapping TweetWithVisibilityResults), one level deep. */
function quotedOf(t: J): TweetView | null {
  const r = obj(field(obj(t.quoted_status_result), "result", "result_v2"));
  const inner = r?.__typename === "TweetWithVisibilityResults" ? obj(r.tweet) : r;
  return inner && inner.__typename !== "TweetTombstone" ? parseTweet({ ...inner, quoted_status_result: undefined }, false) : null;
}

/** A Tweet object (unwrapped) into a view; null when it is not a readable tweet. */
export function parseTweet(t: J, condensed: boolean): TweetView | null {
  const legacy = legacyOf(t);
  const author = parseUser(userResultOf(obj(t.core)));
  if (!legacy || !author || !text(t, "rest_id")) return null;
  const note = path(t, "note_tweet", "note_tweet_results", "result");
  return {
    id: text(t, "rest_id"),
    author: author.handle,
    name: author.name,
    createdAtMs: parseTwitterDate(text(legacy, "created_at")),
    text: displayText(legacy),
    noteText: note ? text(note, "text") : null,
    urls: urlsOf(obj(legacy.entities), obj(note?.entity_set)),
    counts: {
      replies: num(legacy, "reply_count"),
      reposts: num(legacy, "retweet_count"),
      likes: num(legacy, "favorite_count"),
      bookmarks: num(legacy, "bookmark_count"),
      quotes: num(legacy, "quote_count"),
    },
    views: viewsOf(t),
    photos: photoList(legacy).length,
    alts: photoList(legacy).map((m) => text(m, "ext_alt_text")),
    quoted: quotedOf(t),
    condensed,
  };
}
