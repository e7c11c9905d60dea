/**
 * What a CreateTweet attaches: photos (`variables.media.media_entities[].media_id`, from the
 * upload flow) and a quoted post (`variables.attachment_url`, a status URL), checked like
 * x.com: an unknown, unfinished or already used media id is error 324, a quote of a post that
 * does not exist is error 144. Shape: elizaOS/agent-twitter-client src/tweets.ts
 * (`createQuoteTweetRequest`: `attachment_url: https://twitter.com/twitter/status/<id>`).
 */
import type { SandboxCtx } from "../context.js";
import type { UploadedPhoto } from "../types.js";
import { xError } from "./errors.js";

/** The parts of CreateTweet's variables this reads. */
export interface AttachmentVars {
  readonly media?: { readonly media_entities?: readonly { readonly media_id?: unknown }[] } | undefined;
  readonly attachment_url?: string | undefined;
}

/** Resolved attachments, or the x.com error to answer with (HTTP 200). */
export type Attachments = { readonly photos: UploadedPhoto[]; readonly quoteOf: string | null } | { readonly error: unknown };

const STATUS_URL = /^https:\/\/(?:(?:www|mobile)\.)?(?:x|twitter)\.com\/[A-Za-z0-9_]{1,15}\/status\/(\d{1,20})(?:[/?#].*)?$/;

/** Checks the attachments without using them up (see {@link useAttachments}). */
export function resolveAttachments(ctx: SandboxCtx, vars: AttachmentVars): Attachments {
  const ids = (vars.media?.media_entities ?? []).map((e) => String(e.media_id ?? ""));
  if (ids.length > 4 || new Set(ids).size !== ids.length) return { error: xError(324, "The validation of media ids failed.") };
  const photos: UploadedPhoto[] = [];
  for (const id of ids) {
    const u = ctx.state.uploads.get(id);
    if (!u?.finalized || u.used) return { error: xError(324, "The validation of media ids failed.") };
    photos.push({ mediaId: u.mediaId, alt: u.alt, mime: u.mime, bytes: u.received });
  }
  if (!vars.attachment_url) return { photos, quoteOf: null };
  const quoted = STATUS_URL.exec(vars.attachment_url)?.[1];
  if (!quoted || !ctx.state.livePost(quoted)) return { error: xError(144, "No status found with that ID.") };
  return { photos, quoteOf: quoted };
}

/** Marks the uploads as used (one post per media id). */
export function useAttachments(ctx: SandboxCtx, photos: readonly UploadedPhoto[]): void {
  for (const p of photos) {
    const u = ctx.state.uploads.get(p.mediaId);
    if (u) u.used = true;
  }
}
