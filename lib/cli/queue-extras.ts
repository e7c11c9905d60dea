/**
 * `xbot queue add` options beyond the text: `--media` (library images per tweet) and
 * `--quote` (a post to quote). Checked against the library before anything is queued.
 */
import { MEDIA_LIMITS } from "../content/media.js";
import { mediaInfoByIds } from "../db/media.js";
import type { Sql } from "../db/sql.js";
import { UsageError } from "./io.js";

/** `https://x.com/<user>/status/<id>` (x.com or twitter.com, with or without www/mobile), or a bare id. */
export function quotedId(raw: string): string {
  const text = raw.trim();
  if (/^\d{1,20}$/.test(text)) return text;
  const m = /^https:\/\/(?:(?:www|mobile)\.)?(?:x|twitter)\.com\/[A-Za-z0-9_]{1,15}\/status\/(\d{1,20})(?:[/?#].*)?$/.exec(text);
  if (!m) throw new UsageError(`--quote must be a post URL such as https://x.com/someone/status/1234567890 or its id (got "${excerptOf(text)}")`);
  return m[1]!;
}

function excerptOf(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** Parses `--media 3,4` (tweet 1) and `--media 2=5,6` (tweet 2) into ids per tweet. */
export function mediaPerTweet(values: readonly string[], tweetCount: number): string[][] {
  const media: string[][] = Array.from({ length: tweetCount }, () => []);
  for (const value of values) {
    const m = /^(?:(\d{1,2})=)?(\d{1,18}(?:,\d{1,18})*)$/.exec(value.replace(/\s+/g, ""));
    if (!m) throw new UsageError(`--media takes library ids such as 3,4 (tweet 1) or 2=5,6 (tweet 2); got "${excerptOf(value)}"`);
    const index = m[1] ? Number(m[1]) - 1 : 0;
    if (index < 0 || index >= tweetCount) throw new UsageError(`--media ${value}: there is no tweet ${index + 1} (the post has ${tweetCount})`);
    media[index]!.push(...m[2]!.split(","));
  }
  media.forEach((ids, i) => {
    if (new Set(ids).size !== ids.length) throw new UsageError(`tweet ${i + 1}: the same image is attached twice`);
    if (ids.length > MEDIA_LIMITS.perTweet) throw new UsageError(`tweet ${i + 1}: ${ids.length} images; x.com takes at most ${MEDIA_LIMITS.perTweet} per post`);
  });
  return media;
}

/** Every id must be in the library; a GIF goes alone (x.com: 4 photos or 1 animated GIF). */
export async function checkMediaExist(sql: Sql, accountId: string, media: readonly (readonly string[])[]): Promise<void> {
  const ids = [...new Set(media.flat())];
  const found = new Map((await mediaInfoByIds(sql, accountId, ids)).map((m) => [m.id, m]));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw new UsageError(`no media ${missing.map((id) => `#${id}`).join(", ")} in the library (see xbot media list)`);
  media.forEach((list, i) => {
    if (list.length > 1 && list.some((id) => found.get(id)?.mime === "image/gif")) throw new UsageError(`tweet ${i + 1}: a GIF must be the only image of its post (x.com takes 4 photos or 1 GIF)`);
  });
}
