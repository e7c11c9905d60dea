/**
 * One sandbox and one logged-in bundled Chromium for a test file: started before all
 * tests, pages closed after each, everything closed at the end. One context per browser:
 * @sparticuz/chromium runs --single-process, where closing a context kills the browser.
 */
import Sparticuz from "@sparticuz/chromium";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";

/** Live handles; read them inside tests (they are set in beforeAll). */
export interface SandboxBrowser {
  sandbox: Sandbox;
  browser: Browser;
  context: BrowserContext;
  /** A fresh page in the one context, logged in unless `auth` is false (cookies reset first). */
  newPage(auth?: boolean): Promise<Page>;
}

/** Registers the lifecycle hooks and returns the handles. */
export function useSandboxBrowser(): SandboxBrowser {
  const handles = {
    async newPage(auth = true) {
      await handles.context.clearCookies();
      if (auth) await handles.context.addCookies(handles.sandbox.storageState().cookies);
      return handles.context.newPage();
    },
  } as SandboxBrowser;
  beforeAll(async () => {
    handles.sandbox = await createSandbox();
    handles.browser = await chromium.launch({ executablePath: await Sparticuz.executablePath(), args: Sparticuz.args, headless: true });
    handles.context = await handles.browser.newContext({ storageState: handles.sandbox.storageState() });
  }, 60_000);
  beforeEach(() => handles.sandbox.reset());
  afterEach(async () => {
    for (const page of handles.context.pages()) await page.close();
  });
  afterAll(async () => {
    for (const page of handles.context?.pages() ?? []) await page.close();
    await handles.browser?.close();
    await handles.sandbox?.close();
  });
  return handles;
}
