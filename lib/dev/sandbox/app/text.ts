/**
 * `[data-testid="tweetText"]` as x.com renders it: t.co links showing their display_url,
 * @mentions as profile links, emoji as `<img alt>` (so innerText drops them), and for a long
 * post on a timeline a "Show more" button inside tweetText.
 * Quirk: REFERENCE.md "Real x.com markup" (emoji as img, Show more inside tweetText); the
 * image path follows x.com's twemoji files (`/emoji/v2/svg/2764.svg` for ❤️).
 */
import { esc } from "../format.js";
import { cls, span } from "../markup.js";
import type { UrlView } from "./model.js";

const TOKENS = /(https:\/\/t\.co\/[A-Za-z0-9]+)|(?<![A-Za-z0-9_])@([A-Za-z0-9_]{1,15})|(\p{Extended_Pictographic}(?:\uFE0F|[\u{1F3FB}-\u{1F3FF}]|\u200D\p{Extended_Pictographic})*\uFE0F?)/gu;

/** twemoji's file name of an emoji: code points in hex, U+FE0F dropped ("2764" for ❤️). */
function emojiFile(emoji: string): string {
  return [...emoji]
    .map((c) => (c.codePointAt(0) ?? 0).toString(16))
    .filter((h) => h !== "fe0f")
    .join("-");
}

function emojiImg(emoji: string): string {
  return `<img alt="${esc(emoji)}" draggable="false" src="/emoji/v2/svg/${emojiFile(emoji)}.svg" class="${cls("emoji", "a", "r-4qtqp9")}" style="height:1.2em;width:1.2em">`;
}

function link(url: string, urls: UrlView[]): string {
  const shown = urls.find((u) => u.url === url)?.display ?? url;
  return `<a dir="ltr" href="${esc(url)}" rel="noopener noreferrer nofollow" target="_blank" role="link" class="${cls("tco")}">${span(esc(shown))}</a>`;
}

function mention(handle: string): string {
  return `<a href="/${esc(handle)}" role="link" dir="ltr">${span(`@${esc(handle)}`)}</a>`;
}

function plain(s: string): string {
  return s === "" ? "" : span(esc(s));
}

/** The text as inline HTML (links, mentions, emoji images; everything else escaped). */
export function richText(raw: string, urls: UrlView[]): string {
  let out = "";
  let last = 0;
  for (const m of raw.matchAll(TOKENS)) {
    const at = m.index ?? 0;
    out += plain(raw.slice(last, at));
    if (m[1]) out += link(m[1], urls);
    else if (m[2]) out += mention(m[2]);
    else if (m[3]) out += emojiImg(m[3]);
    last = at + m[0].length;
  }
  return out + plain(raw.slice(last));
}

/** The tweetText block; `showMore` adds x.com's "Show more" button inside it. */
export function tweetTextBlock(raw: string, urls: UrlView[], showMore: boolean): string {
  const more = showMore ? `<button data-testid="tweet-text-show-more-link" type="button" role="button" class="${cls("more")}">${span("Show more")}</button>` : "";
  return `<div lang="en" dir="auto" data-testid="tweetText" class="${cls("tt")}" style="white-space:pre-wrap">${richText(raw, urls)}${more}</div>`;
}
