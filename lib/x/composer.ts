/** The composer: finding it (pressing `n` if needed), typing into it, thread rows, the post button. */
import type { Locator, Page } from "playwright-core";
import { XbotError } from "../errors.js";
import { firstAttachedNow, firstVisibleNow, sleep, waitMsOf, waitVisible, type Scope } from "./dom.js";
import { normalizeText } from "./text.js";
import { SEL, threadTextarea } from "./selectors.js";
import type { XSite } from "./types.js";

/** A composer: its first textbox and the scope holding its buttons (its dialog, or the page). */
export interface Composer {
  readonly scope: Scope;
  readonly box: Locator;
  readonly inDialog: boolean;
}

const FIRST_LOOK_MS = 3_000;
const ENABLE_WAIT_MS = 2_500;

async function dialogComposer(page: Page): Promise<Composer | null> {
  for (const selector of SEL.dialog) {
    const dialogs = page.locator(selector);
    const n = await dialogs.count();
    for (let i = n - 1; i >= 0; i--) {
      const box = await firstVisibleNow(dialogs.nth(i), SEL.composer);
      if (box) return { scope: dialogs.nth(i), box, inDialog: true };
    }
  }
  return null;
}

/** The visible composer right now: one inside a dialog first, else the page's. */
async function composerNow(page: Page): Promise<Composer | null> {
  const inDialog = await dialogComposer(page);
  if (inDialog) return inDialog;
  const box = await firstVisibleNow(page, SEL.composer);
  return box ? { scope: page, box, inDialog: false } : null;
}

/** Polls for a composer; with `dialogOnly`, only one inside a dialog counts. */
export async function waitComposer(page: Page, timeoutMs: number, dialogOnly = false): Promise<Composer | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = dialogOnly ? await dialogComposer(page) : await composerNow(page);
    if (found || Date.now() >= deadline) return found;
    await sleep(100);
  }
}

/** Finds the composer; when none shows up, presses `n` (x.com's "new post" shortcut) and looks again. */
export async function findComposer(page: Page, site: XSite): Promise<Composer> {
  const first = await waitComposer(page, Math.min(FIRST_LOOK_MS, waitMsOf(site)));
  if (first) return first;
  site.logger?.debug("x.composer.shortcut", { key: "n" });
  await page.keyboard.press("n");
  const second = await waitComposer(page, waitMsOf(site));
  if (second) return second;
  throw new XbotError("page_unexpected", "no composer found (also after pressing n)", { details: { url: page.url(), posted: false } });
}

function jitterMs(): number {
  const base = 35 + Math.random() * 90;
  return Math.random() < 0.03 ? base + 200 + Math.random() * 300 : base;
}

async function typeHuman(page: Page, text: string): Promise<void> {
  for (const ch of text) {
    if (ch === "\n") await page.keyboard.press("Enter");
    else await page.keyboard.type(ch);
    await sleep(jitterMs());
  }
}

async function shows(box: Locator, text: string): Promise<boolean> {
  return normalizeText(await box.innerText()) === normalizeText(text);
}

/** Types `text` into `box` (site.typing: "human" per character with jitter, "fill" at once) and verifies it. */
export async function typeInto(page: Page, box: Locator, text: string, site: XSite): Promise<void> {
  await box.click();
  if (site.typing === "human") await typeHuman(page, text);
  else await page.keyboard.insertText(text);
  if (await shows(box, text)) return;
  if (site.typing === "fill") {
    await box.fill(text);
    if (await shows(box, text)) return;
  }
  const shown = normalizeText(await box.innerText()).slice(0, 80);
  throw new XbotError("page_unexpected", "the composer does not show the typed text", { details: { shown, posted: false } });
}

/** Clicks the thread composer's add button and returns the new `tweetTextarea_<index>`. */
export async function addThreadRow(composer: Composer, index: number, site: XSite): Promise<Locator> {
  const add = await waitVisible(composer.scope, SEL.addButton, waitMsOf(site));
  if (!add) throw new XbotError("page_unexpected", "no add-post button in the thread composer", { details: { posted: false } });
  await add.click();
  const box = await waitVisible(composer.scope, threadTextarea(index), waitMsOf(site));
  if (!box) throw new XbotError("page_unexpected", `thread textbox ${index} did not appear`, { details: { posted: false } });
  return box;
}

/** The composer's clickable post button; `x_composer_disabled` when it stays disabled after typing. */
export async function enabledPostButton(composer: Composer, site: XSite): Promise<Locator> {
  const button = await waitVisible(composer.scope, SEL.postButtonEnabled, Math.min(ENABLE_WAIT_MS, waitMsOf(site)));
  if (button) return button;
  if (await firstAttachedNow(composer.scope, SEL.postButtonAny)) {
    throw new XbotError("x_composer_disabled", "the post button stays disabled after typing", { details: { posted: false } });
  }
  throw new XbotError("page_unexpected", "no post button next to the composer", { details: { posted: false } });
}
