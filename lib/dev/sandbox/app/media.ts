/**
 * Photos in the composer, as x.com's web client handles them: the toolbar's hidden
 * `input[data-testid="fileInput"]` adds files to the focused row; each uploads with
 * INIT / APPEND (multipart `media`, `segment_index`) / FINALIZE to the upload endpoint while a
 * `[data-testid="progressBar"]` shows (the post button stays disabled); "Edit" opens the
 * media editor (a dialog labelled "Edit media") whose Description box sets the alt text, sent
 * with `media/metadata/create` before CreateTweet. Sources: see ../upload.ts.
 */
import { config } from "./config.js";
import { ct0, fromHtml, q, qa } from "./dom.js";
import { toast } from "./toast.js";

const UPLOAD = "/i/media/upload.json";
const METADATA = "/i/api/1.1/media/metadata/create.json";
const CHUNK = 512 * 1024;
/** What the page shows when an upload fails (the attachment is dropped). */
export const UPLOAD_FAILED = "Your media upload failed. Please try again.";

function headers(json: boolean): Record<string, string> {
  return { "x-csrf-token": ct0(), authorization: `Bearer ${config().bearer}`, ...(json ? { "content-type": "application/json" } : {}) };
}

async function command(params: Record<string, string>, body?: BodyInit): Promise<Record<string, unknown>> {
  const res = await fetch(`${UPLOAD}?${new URLSearchParams(params).toString()}`, { method: "POST", credentials: "include", headers: headers(false), ...(body ? { body } : {}) });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(String((json.errors as { message?: string }[] | undefined)?.[0]?.message ?? `upload failed (${res.status})`));
  return json;
}

/** Uploads one file; resolves to its media_id_string. */
async function upload(file: File): Promise<string> {
  const init = await command({ command: "INIT", total_bytes: String(file.size), media_type: file.type, media_category: file.type === "image/gif" ? "tweet_gif" : "tweet_image" });
  const id = String(init.media_id_string ?? "");
  for (let offset = 0, segment = 0; offset < file.size; offset += CHUNK, segment++) {
    const form = new FormData();
    form.append("media", file.slice(offset, offset + CHUNK));
    await command({ command: "APPEND", media_id: id, segment_index: String(segment) }, form);
  }
  await command({ command: "FINALIZE", media_id: id });
  return id;
}

function attachmentHtml(name: string): string {
  return (
    `<div data-sb-attachment="1" data-sb-state="uploading" style="display:inline-block;position:relative;margin:4px">` +
    `<img alt="" style="width:80px;height:80px;object-fit:cover"><div role="progressbar" data-testid="progressBar" aria-label="Uploading ${name}"></div>` +
    `<button type="button" aria-label="Remove media" data-testid="removeMedia">✕</button></div>`
  );
}

/** Adds the chosen files to the active row of `root` and uploads them. */
export async function addFiles(root: HTMLElement, files: File[], refresh: () => void): Promise<void> {
  const rows = qa("[data-sb-row]", root);
  const row = rows[Number(root.dataset.sbActiveRow ?? "0")] ?? rows[0];
  const box = row ? q('[data-testid="attachments"]', row) : null;
  if (!box) return;
  const room = 4 - qa("[data-sb-attachment]", box).length;
  for (const file of files.slice(0, Math.max(0, room))) {
    const el = fromHtml(attachmentHtml(file.name));
    q("img", el)?.setAttribute("src", URL.createObjectURL(file));
    box.appendChild(el);
    refresh();
    void upload(file)
      .then(
        (id) => {
          el.dataset.sbState = "ready";
          el.dataset.sbMediaId = id;
          q('[data-testid="progressBar"]', el)?.remove();
          el.insertAdjacentHTML("beforeend", '<button type="button" aria-label="Edit media" data-testid="editMedia">Edit</button>');
        },
        () => {
          el.remove();
          toast(UPLOAD_FAILED);
        },
      )
      .finally(refresh);
  }
}

/** Opens the media editor of an attachment; Save stores the Description as its alt text. */
export function openEditor(attachment: HTMLElement): void {
  const html =
    `<div data-sb-media-editor="1" style="position:fixed;inset:0;z-index:9"><div role="dialog" aria-modal="true" aria-label="Edit media">` +
    `<h2>Alt text</h2><textarea aria-label="Description" data-testid="altTextInput" maxlength="1000"></textarea>` +
    `<button type="button" data-testid="altTextSave">Save</button></div></div>`;
  const editor = fromHtml(html);
  const area = q<HTMLTextAreaElement>("textarea", editor);
  if (area) area.value = attachment.dataset.sbAlt ?? "";
  q('[data-testid="altTextSave"]', editor)?.addEventListener("click", () => {
    attachment.dataset.sbAlt = area?.value ?? "";
    if (!q("[data-sb-alt-badge]", attachment)) attachment.insertAdjacentHTML("beforeend", '<span data-sb-alt-badge="1">ALT</span>');
    editor.remove();
  });
  document.body.appendChild(editor);
  area?.focus();
}

/** Whether any attachment of `root` is still uploading. */
export function uploading(root: HTMLElement): boolean {
  return q('[data-sb-attachment][data-sb-state="uploading"]', root) !== null;
}

/** The ready media ids of a row, their alt text sent first with media/metadata/create. */
export async function rowMedia(row: HTMLElement): Promise<string[]> {
  const ready = qa('[data-sb-attachment][data-sb-state="ready"]', row);
  for (const el of ready) {
    const alt = (el.dataset.sbAlt ?? "").trim();
    if (!alt) continue;
    const res = await fetch(METADATA, { method: "POST", credentials: "include", headers: headers(true), body: JSON.stringify({ media_id: el.dataset.sbMediaId, alt_text: { text: alt } }) });
    if (!res.ok) throw new Error("Could not save the image description.");
  }
  return ready.map((el) => el.dataset.sbMediaId ?? "");
}
