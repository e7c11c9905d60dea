/**
 * The images of a queued item, per tweet, as the composer attaches them: bytes and alt text
 * from the media library. An id the library no longer has is a validation error (before any
 * click, so the item is not posted without the image it was written for).
 */
import { mediaFiles } from "../db/media.js";
import type { QueueItem } from "../db/queue.js";
import type { Sql } from "../db/sql.js";
import { XbotError } from "../errors.js";
import type { Attachment, MediaPerTweet } from "../x/index.js";

const EXT: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif" };

/** Attachments per tweet of `item` ([] when it carries none). */
export async function attachmentsOf(sql: Sql, item: Pick<QueueItem, "id" | "accountId" | "media">): Promise<MediaPerTweet> {
  const media = item.media ?? [];
  const ids = [...new Set(media.flat())];
  if (ids.length === 0) return [];
  const files = new Map((await mediaFiles(sql, item.accountId, ids)).map((f) => [f.id, f]));
  const missing = ids.filter((id) => !files.has(id));
  if (missing.length > 0) throw new XbotError("validation", `item ${item.id} attaches media ${missing.join(", ")}, which the library does not have`, { details: { posted: false, missing } });
  return media.map((list) =>
    list.map((id): Attachment => {
      const f = files.get(id)!;
      return { name: `media-${f.id}.${EXT[f.mime] ?? "bin"}`, mime: f.mime, bytes: f.bytes, alt: f.altText };
    }),
  );
}
