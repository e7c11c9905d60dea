/**
 * Images for posts: validated by their content, never by their name, and stored without
 * metadata. The limits are x.com's documented ones:
 * - formats JPG, PNG, GIF, WEBP; images <= 5 MB, animated GIFs <= 15 MB; up to 4 photos a post
 *   (docs.x.com/x-api/media/quickstart/best-practices, docs.x.com/x-api/media/introduction);
 * - dimensions 4x4 to 8192x8192 px (docs.getlate.dev/resources/media-guidelines/twitter);
 * - alt text <= 1000 characters (developer.x.com .../post-media-metadata-create, `alt_text.text`).
 * The decode and the re-encode that drops EXIF/GPS, XMP and ICC text chunks use sharp (libvips):
 * sharp writes no metadata unless asked to (`keepMetadata`/`withMetadata`), and `rotate()`
 * first applies the EXIF orientation so the picture still stands the right way up.
 */
import { createHash } from "node:crypto";
import sharp from "sharp";

/** The image types x.com accepts. */
export type ImageMime = "image/png" | "image/jpeg" | "image/webp" | "image/gif";

/** x.com's limits (see the module doc). */
export const MEDIA_LIMITS = { imageBytes: 5 * 1024 * 1024, gifBytes: 15 * 1024 * 1024, minSide: 4, maxSide: 8192, altChars: 1000, perTweet: 4 } as const;

/** An image ready to store: the stripped bytes, their hash and what the decode saw. */
export interface PreparedImage {
  readonly bytes: Buffer;
  readonly mime: ImageMime;
  readonly width: number;
  readonly height: number;
  readonly contentHash: string;
  readonly altText: string;
  readonly tags: string[];
  /** A WebP thumbnail of at most {@link THUMB_PX} px a side, made once here for the dashboard. */
  readonly thumb: Buffer;
}

/** Longest side of a stored thumbnail, px. */
export const THUMB_PX = 160;

/** A decision: the prepared image, or why it is refused. */
export type PrepareResult = { readonly ok: true; readonly image: PreparedImage } | { readonly ok: false; readonly reason: string };

const NAMES: Record<ImageMime, string> = { "image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP", "image/gif": "GIF" };
const EXTENSIONS: Record<string, ImageMime> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", jfif: "image/jpeg", webp: "image/webp", gif: "image/gif" };

/** The image type by magic bytes (PNG signature, JPEG SOI, RIFF....WEBP, GIF87a/89a), or null. */
export function sniffImage(bytes: Uint8Array): ImageMime | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.length >= 12 && b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 12) === "WEBP") return "image/webp";
  if (b.length >= 6 && (b.toString("latin1", 0, 6) === "GIF87a" || b.toString("latin1", 0, 6) === "GIF89a")) return "image/gif";
  return null;
}

/** Checks alt text: required, at most 1000 characters, no control characters but newline. */
export function checkAltText(alt: string | undefined): { ok: true; text: string } | { ok: false; reason: string } {
  const text = (alt ?? "").trim();
  if (text === "") return { ok: false, reason: 'alt text is required: describe the image for people who cannot see it (--alt "...")' };
  if ([...text].length > MEDIA_LIMITS.altChars) return { ok: false, reason: `alt text is ${[...text].length} characters; x.com allows at most ${MEDIA_LIMITS.altChars}` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the check's purpose is to find control characters
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)) return { ok: false, reason: "alt text contains a control character; remove it" };
  return { ok: true, text };
}

/** Normalised tags: lower-case words of a-z, 0-9, dashes; at most 20. */
export function parseTags(raw: string | undefined): { ok: true; tags: string[] } | { ok: false; reason: string } {
  const tags = [
    ...new Set(
      (raw ?? "")
        .split(",")
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const bad = tags.find((t) => !/^[a-z0-9][a-z0-9-]{0,39}$/.test(t));
  if (bad) return { ok: false, reason: `tag "${bad}" must be a-z, 0-9 and dashes (at most 40 characters)` };
  if (tags.length > 20) return { ok: false, reason: "at most 20 tags" };
  return { ok: true, tags };
}

function sizeLimit(mime: ImageMime): number {
  return mime === "image/gif" ? MEDIA_LIMITS.gifBytes : MEDIA_LIMITS.imageBytes;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Refusal by content type and size, before any decode (null: go on). */
function precheck(name: string, bytes: Buffer): { mime: ImageMime } | { reason: string } {
  if (bytes.length === 0) return { reason: `${name} is empty` };
  const mime = sniffImage(bytes);
  if (!mime) return { reason: `${name} is not a PNG, JPEG, WebP or GIF image (judged by its content)` };
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  const claimed = ext ? EXTENSIONS[ext] : undefined;
  if (ext && claimed !== mime)
    return { reason: `${name}: its extension says ${claimed ? NAMES[claimed] : `".${ext}"`}, but its content is ${NAMES[mime]}; rename the file to .${mime === "image/jpeg" ? "jpg" : mime.slice(6)}` };
  if (bytes.length > sizeLimit(mime)) return { reason: `${name} is ${mb(bytes.length)}; x.com takes ${NAMES[mime]} files up to ${mb(sizeLimit(mime))}` };
  return { mime };
}

/** Decodes fully and re-encodes without metadata (EXIF, GPS, XMP, IPTC). */
async function strip(bytes: Buffer, mime: ImageMime): Promise<{ bytes: Buffer; width: number; height: number }> {
  const animated = mime === "image/gif" || mime === "image/webp";
  const image = sharp(bytes, { animated, failOn: "error" }).rotate();
  const out = mime === "image/png" ? image.png() : mime === "image/jpeg" ? image.jpeg({ quality: 92 }) : mime === "image/webp" ? image.webp({ quality: 92 }) : image.gif();
  const { data, info } = await out.toBuffer({ resolveWithObject: true });
  const height = info.pageHeight ?? info.height;
  return { bytes: data, width: info.width, height };
}

/**
 * Validates `bytes` (named `name` for messages and the extension check) and prepares them for
 * the library: magic bytes, x.com's size limit, a real decode, dimensions, then the stripped
 * re-encode. Every refusal says what is wrong; nothing is stored by this function.
 */
export async function prepareImage(name: string, bytes: Buffer, altRaw: string | undefined, tagsRaw?: string): Promise<PrepareResult> {
  const alt = checkAltText(altRaw);
  if (!alt.ok) return { ok: false, reason: `${name}: ${alt.reason}` };
  const tags = parseTags(tagsRaw);
  if (!tags.ok) return { ok: false, reason: tags.reason };
  const pre = precheck(name, bytes);
  if ("reason" in pre) return { ok: false, reason: pre.reason };
  let stripped: { bytes: Buffer; width: number; height: number };
  try {
    stripped = await strip(bytes, pre.mime);
  } catch (error) {
    return { ok: false, reason: `${name} does not decode as ${NAMES[pre.mime]}: ${(error as Error).message.split("\n")[0]}` };
  }
  const { width, height } = stripped;
  if (Math.min(width, height) < MEDIA_LIMITS.minSide || Math.max(width, height) > MEDIA_LIMITS.maxSide) {
    return { ok: false, reason: `${name} is ${width}x${height} px; x.com takes ${MEDIA_LIMITS.minSide}x${MEDIA_LIMITS.minSide} to ${MEDIA_LIMITS.maxSide}x${MEDIA_LIMITS.maxSide}` };
  }
  if (stripped.bytes.length > sizeLimit(pre.mime)) return { ok: false, reason: `${name} is ${mb(stripped.bytes.length)} without its metadata; x.com takes up to ${mb(sizeLimit(pre.mime))}` };
  const contentHash = createHash("sha256").update(stripped.bytes).digest("hex");
  const thumb = await sharp(stripped.bytes).resize(THUMB_PX, THUMB_PX, { fit: "inside", withoutEnlargement: true }).webp({ quality: 70 }).toBuffer();
  return { ok: true, image: { bytes: stripped.bytes, mime: pre.mime, width, height, contentHash, altText: alt.text, tags: tags.tags, thumb } };
}
