/**
 * Photos of a post: `extended_entities.media` (all photos) and `entities.media` (the first),
 * with one t.co link appended to `full_text` after `display_text_range`.
 * Shape: vladkens/twscrape tests/mocked-data/raw_user_tweets.json (2026 capture, a photo post).
 */
import { hash01 } from "../engagement.js";
import type { StoredPost } from "../types.js";
import { tcoLink } from "./text.js";

const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

function mediaKey(id: string): string {
  let key = "";
  for (let i = 0; i < 15; i++) key += KEY_ALPHABET[Math.floor(hash01(31, `${id}:${i}`) * KEY_ALPHABET.length)] ?? "A";
  return key;
}

/**
 * The photos of a post (empty when it has none), their t.co link at code-point `start`.
 * Uploaded photos keep their `media_id_string` as `id_str` and their alt text as
 * `ext_alt_text` (spec: fa0311/twitter-openapi src/openapi/schemas/media.yaml `MediaExtended`).
 */
export function photos(post: StoredPost, author: string, start: number): { link: string; media: Record<string, unknown>[] } {
  const uploaded = post.photos ?? [];
  const n = uploaded.length > 0 ? uploaded.length : Math.max(0, Math.min(4, post.media ?? 0));
  const link = tcoLink(`${post.id}:media`);
  const media = Array.from({ length: n }, (_, i) => {
    const idStr = uploaded[i]?.mediaId ?? (BigInt(post.id) + BigInt(i + 1)).toString();
    const alt = uploaded[i]?.alt;
    return {
      ...(alt ? { ext_alt_text: alt } : {}),
      display_url: `pic.x.com/${link.slice(-10)}`,
      expanded_url: `https://x.com/${author}/status/${post.id}/photo/${i + 1}`,
      ext_media_availability: { status: "Available" },
      id_str: idStr,
      indices: [start, start + link.length],
      media_key: `3_${idStr}`,
      media_url_https: `https://pbs.twimg.com/media/${mediaKey(idStr)}.jpg`,
      original_info: { height: 900, width: 1600, focus_rects: [] },
      sizes: { large: { h: 900, w: 1600, resize: "fit" }, small: { h: 383, w: 680, resize: "fit" } },
      type: "photo",
      url: link,
    };
  });
  return { link, media };
}
