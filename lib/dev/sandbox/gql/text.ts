/**
 * A post's text as x.com's API serves it: URLs replaced by t.co links, entities with
 * code-point indices, and the truncated `legacy.full_text` of a long ("note") post.
 * Shape: vladkens/twscrape tests/mocked-data/raw_user_tweets.json (2026 capture: `entities.urls`,
 * `display_text_range`, `note_tweet.note_tweet_results.result.entity_set`).
 */
import twitterText from "twitter-text";
import { hash01 } from "../engagement.js";
import type { ReadCtx } from "./read-ctx.js";
import { userRestId } from "../context.js";

/** `entities` / `entity_set` of a text. Spec: fa0311/twitter-openapi tweet.yaml Entities. */
export interface Entities {
  hashtags: { indices: [number, number]; text: string }[];
  symbols: { indices: [number, number]; text: string }[];
  user_mentions: { id_str: string; indices: [number, number]; name: string; screen_name: string }[];
  urls: { display_url: string; expanded_url: string; url: string; indices: [number, number] }[];
}

/** A text with its entities. */
export interface ServedText {
  text: string;
  entities: Entities;
}

const TCO_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** Note posts: `legacy.full_text` keeps about this many characters (cut at a space). */
const NOTE_CUT = 275;
/** Longest display_url before x.com cuts it with "…". */
const DISPLAY_MAX = 25;

/** A deterministic `https://t.co/<10 chars>` link for a key (x.com wraps every link this way). */
export function tcoLink(key: string): string {
  let code = "";
  for (let i = 0; i < 10; i++) code += TCO_ALPHABET[Math.floor(hash01(23, `${key}:${i}`) * TCO_ALPHABET.length)] ?? "x";
  return `https://t.co/${code}`;
}

/** x.com's display_url: scheme and "www." dropped, cut to 25 characters with "…". */
function displayUrl(url: string): string {
  const bare = url.replace(/^https?:\/\//i, "").replace(/^www\./i, "");
  return bare.length > DISPLAY_MAX + 1 ? `${bare.slice(0, DISPLAY_MAX)}…` : bare;
}

function cp(text: string, utf16: number): number {
  return [...text.slice(0, utf16)].length;
}

function range(text: string, [a, b]: [number, number]): [number, number] {
  return [cp(text, a), cp(text, b)];
}

/** Replaces every URL with its t.co link; returns the new text and the URL entities (UTF-16 indices). */
function wrapUrls(postId: string, text: string): { text: string; urls: Entities["urls"][number][] } {
  let out = "";
  let last = 0;
  const urls: Entities["urls"] = [];
  twitterText.extractUrlsWithIndices(text).forEach(({ url, indices: [a, b] }, k) => {
    out += text.slice(last, a);
    const tco = tcoLink(`${postId}:${k}:${url}`);
    const expanded = /^https?:\/\//i.test(url) ? url : `http://${url}`;
    urls.push({ display_url: displayUrl(url), expanded_url: expanded, url: tco, indices: [out.length, out.length + tco.length] });
    out += tco;
    last = b;
  });
  return { text: out + text.slice(last), urls };
}

/** The text as served, with entities (code-point indices, as x.com counts them). */
export function servedText(rc: ReadCtx, postId: string, raw: string): ServedText {
  const { text, urls } = wrapUrls(postId, raw);
  const mention = (h: string) => rc.sb.state.userInfo(h) ?? { handle: h, name: h };
  return {
    text,
    entities: {
      hashtags: twitterText.extractHashtagsWithIndices(text).map((h) => ({ indices: range(text, h.indices), text: h.hashtag })),
      symbols: twitterText.extractCashtagsWithIndices(text).map((c) => ({ indices: range(text, c.indices), text: c.cashtag })),
      user_mentions: twitterText.extractMentionsWithIndices(text).map((m) => ({
        id_str: userRestId(rc.sb, m.screenName),
        indices: range(text, m.indices),
        name: mention(m.screenName).name,
        screen_name: mention(m.screenName).handle,
      })),
      urls: urls.map((u) => ({ ...u, indices: range(text, u.indices) })),
    },
  };
}

/** The first ~275 characters of a long post, cut at a space (x.com's `legacy.full_text` of a note). */
export function noteHead(raw: string): string {
  const chars = [...raw];
  if (chars.length <= NOTE_CUT) return raw;
  const head = chars.slice(0, NOTE_CUT + 1).join("");
  const space = head.search(/\s\S*$/);
  return (space > NOTE_CUT / 2 ? head.slice(0, space) : chars.slice(0, NOTE_CUT).join("")).trimEnd();
}
