/**
 * The media library (table `media`): images with their alt text, stored stripped of
 * metadata (lib/content/media.ts prepares them). Bytes travel as base64 over the HTTP driver.
 */
import { oneRow, type Sql } from "./sql.js";

/** A library image without its bytes (lists, the dashboard, the planner). */
export interface MediaInfo {
  readonly id: string;
  readonly mime: string;
  readonly width: number;
  readonly height: number;
  readonly sizeBytes: number;
  readonly contentHash: string;
  readonly altText: string;
  readonly tags: string[];
  readonly createdAt: Date;
}

/** A library image with its bytes (the composer uploads them). */
export interface MediaFile extends MediaInfo {
  readonly bytes: Buffer;
}

/** What is stored for a new image. */
export interface NewMedia {
  readonly accountId: string;
  readonly bytes: Buffer;
  readonly mime: string;
  readonly width: number;
  readonly height: number;
  readonly contentHash: string;
  readonly altText: string;
  readonly tags: readonly string[];
  /** The dashboard's WebP thumbnail (made when the image is prepared, so no route decodes images). */
  readonly thumb: Buffer;
}

const INFO = `id::text, mime, width, height, size_bytes AS "sizeBytes", content_hash AS "contentHash", alt_text AS "altText", tags, created_at AS "createdAt"`;

/** Stores an image; `existing` when the same bytes are already in the library (nothing changes). */
export async function addMedia(sql: Sql, m: NewMedia): Promise<{ media: MediaInfo; existing: boolean }> {
  const rows = await sql.query<MediaInfo>(
    `INSERT INTO media (account_id, content_hash, mime, width, height, size_bytes, bytes, alt_text, tags, thumb)
     VALUES ($1, $2, $3, $4, $5, $6, decode($7, 'base64'), $8, $9::text[], decode($10, 'base64'))
     ON CONFLICT (account_id, content_hash) DO NOTHING RETURNING ${INFO}`,
    [m.accountId, m.contentHash, m.mime, m.width, m.height, m.bytes.length, m.bytes.toString("base64"), m.altText, [...m.tags], m.thumb.toString("base64")],
  );
  if (rows[0]) return { media: rows[0], existing: false };
  const found = await sql.query<MediaInfo>(`SELECT ${INFO} FROM media WHERE account_id = $1 AND content_hash = $2`, [m.accountId, m.contentHash]);
  return { media: oneRow(found, "reading the media that already holds these bytes"), existing: true };
}

/** Library images, newest first, optionally with a tag. */
export async function listMedia(sql: Sql, accountId: string, options: { tag?: string; limit?: number } = {}): Promise<MediaInfo[]> {
  return sql.query<MediaInfo>(`SELECT ${INFO} FROM media WHERE account_id = $1 AND ($2::text IS NULL OR $2 = ANY(tags)) ORDER BY id DESC LIMIT $3`, [
    accountId,
    options.tag ?? null,
    options.limit ?? 100,
  ]);
}

/** Info of the given ids that exist in the account's library (any order). */
export async function mediaInfoByIds(sql: Sql, accountId: string, ids: readonly string[]): Promise<MediaInfo[]> {
  if (ids.length === 0) return [];
  return sql.query<MediaInfo>(`SELECT ${INFO} FROM media WHERE account_id = $1 AND id = ANY($2::bigint[])`, [accountId, [...ids]]);
}

/** The images with their bytes, in the order of `ids`; missing ids are left out. */
export async function mediaFiles(sql: Sql, accountId: string, ids: readonly string[]): Promise<MediaFile[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<MediaInfo & { b64: string }>(`SELECT ${INFO}, encode(bytes, 'base64') AS b64 FROM media WHERE account_id = $1 AND id = ANY($2::bigint[])`, [accountId, [...ids]]);
  const byId = new Map<string, MediaFile>(rows.map(({ b64, ...info }) => [info.id, { ...info, bytes: Buffer.from(b64, "base64") }]));
  return ids.map((id) => byId.get(id)).filter((m): m is MediaFile => m !== undefined);
}

/** The stored WebP thumbnail of one library image, or null when there is no such image. */
export async function mediaThumb(sql: Sql, accountId: string, id: string): Promise<Buffer | null> {
  const [row] = await sql.query<{ thumb: string }>(`SELECT encode(thumb, 'base64') AS thumb FROM media WHERE account_id = $1 AND id = $2::bigint`, [accountId, id]);
  return row ? Buffer.from(row.thumb, "base64") : null;
}
