/**
 * Comparing a tweet as X shows it with the text we posted. X rewrites what we send: every
 * link becomes a t.co link (the DOM shows a truncated display url), `&`, `<` and `>` come
 * back HTML-escaped in `full_text`, whitespace is normalised, the DOM drops emoji unless their
 * `<img alt>` is kept, and long posts are cut behind "Show more". Matching is therefore on a
 * canonical form, and a truncated reading matches as a prefix.
 */

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

/** Decodes the HTML entities X uses in `legacy.full_text`. */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);
}

/** Whitespace- and invisible-character-insensitive form of a text. */
export function normalizeText(text: string): string {
  return text
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, "")
    .replace(/\u00a0/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The form both sides are compared in: NFC, entities decoded, links removed, whitespace collapsed, lower case. */
export function canonicalText(text: string): string {
  const noLinks = decodeEntities(text.normalize("NFC")).replace(/\bhttps?:\/\/\S+/gi, " ");
  return normalizeText(noLinks.replace(/\uFE0F/g, "")).toLowerCase();
}

/** Does `onX` (as read, `truncated` when cut behind "Show more") show the text we posted? */
export function sameTweetText(onX: { readonly text: string; readonly truncated?: boolean }, ours: string): boolean {
  const mine = canonicalText(ours);
  const seen = canonicalText(onX.text);
  if (seen === mine) return true;
  if (!onX.truncated) return false;
  const prefix = seen.replace(/(?:…|\.\.\.)$/, "").trim();
  return prefix.length >= 20 && mine.startsWith(prefix);
}
