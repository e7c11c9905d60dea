/**
 * Attaching images in the composer as a person does on x.com: the files go into the hidden
 * `input[data-testid="fileInput"]` (the focused row of a thread takes them), each upload is
 * waited for until its progress bar is gone (x.com keeps the post button disabled until
 * then), and each image's alt text is typed into the media editor ("Edit" → Description →
 * Save), which x.com sends with `media/metadata/create` before CreateTweet. Everything here
 * happens before the click: any failure is `posted: false`.
 */
import type { Locator, Page } from "playwright-core";
import { XbotError } from "../errors.js";
import type { Composer } from "./composer.js";
import { firstVisibleNow, sleep, waitMsOf, waitVisible } from "./dom.js";
import { anyOf, SEL } from "./selectors.js";
import type { XSite } from "./types.js";

/** One image to attach: its bytes and the alt text x.com will show. */
export interface Attachment {
  readonly name: string;
  readonly mime: string;
  readonly bytes: Buffer;
  readonly alt: string;
}

/** How long an upload may take (the whole set of one row). */
const UPLOAD_WAIT_MS = 60_000;

function notPosted(message: string, details: Record<string, unknown> = {}): XbotError {
  return new XbotError("page_unexpected", message, { details: { ...details, posted: false } });
}

async function noticeText(page: Page): Promise<string> {
  const notice = await firstVisibleNow(page, SEL.notices);
  return notice ? (await notice.innerText().catch(() => "")).trim().slice(0, 120) : "";
}

/** Waits until `expected` attachments are uploaded (Edit buttons) and none is in progress. */
async function waitUploaded(page: Page, scope: Composer["scope"], expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const edit = scope.locator(anyOf(SEL.editMedia));
  const progress = scope.locator(anyOf(SEL.uploadProgress));
  for (;;) {
    const [ready, busy] = await Promise.all([edit.count(), progress.count()]);
    if (ready >= expected && busy === 0) return;
    if (ready + busy < expected) {
      const notice = await noticeText(page);
      throw notPosted(`an image upload failed${notice ? `: ${notice}` : ""}`, { uploaded: ready, expected });
    }
    if (Date.now() >= deadline) throw new XbotError("page_timeout", `image upload did not finish within ${timeoutMs} ms`, { details: { uploaded: ready, expected, posted: false } });
    await sleep(150);
  }
}

/** Types one attachment's alt text in the media editor and saves it. */
async function setAltText(page: Page, edit: Locator, alt: string, site: XSite): Promise<void> {
  await edit.click();
  const editor = await waitVisible(page, SEL.mediaEditor, waitMsOf(site));
  if (!editor) throw notPosted("the media editor did not open");
  const box = await waitVisible(editor, SEL.altTextInput, waitMsOf(site));
  if (!box) throw notPosted("the media editor has no alt text box");
  await box.fill(alt);
  if ((await box.inputValue()) !== alt) throw notPosted("the alt text box does not show the alt text");
  const save = await firstVisibleNow(editor, SEL.altTextSave);
  if (!save) throw notPosted("the media editor has no save button");
  await save.click();
  await editor.waitFor({ state: "hidden", timeout: waitMsOf(site) });
}

/**
 * Attaches `files` to the composer row whose textbox is `box` (the last row so far), waits for
 * the uploads and sets every alt text. Rows are attached in order, so the new attachments are
 * the last ones of the composer.
 */
export async function attachImages(page: Page, composer: Composer, box: Locator, files: readonly Attachment[], site: XSite): Promise<void> {
  if (files.length === 0) return;
  if (files.length > 4) throw new XbotError("validation", `${files.length} images for one tweet; x.com takes at most 4`, { details: { posted: false } });
  const input = composer.scope.locator(anyOf(SEL.fileInput)).first();
  if ((await input.count()) === 0) throw notPosted("the composer has no media input");
  const before = await composer.scope.locator(anyOf(SEL.editMedia)).count();
  await box.focus();
  await input.setInputFiles(files.map((f) => ({ name: f.name, mimeType: f.mime, buffer: f.bytes })));
  await waitUploaded(page, composer.scope, before + files.length, Math.max(UPLOAD_WAIT_MS, waitMsOf(site)));
  const edits = composer.scope.locator(anyOf(SEL.editMedia));
  for (let i = 0; i < files.length; i++) await setAltText(page, edits.nth(before + i), files[i]!.alt, site);
  site.logger?.info("x.media.attached", { count: files.length });
}
