/** Small Playwright helpers shared by the adapter: ordered selector fallbacks, navigation, aborts. */
import type { Locator, Page } from "playwright-core";
import { isPlaywrightTimeout } from "../browser/page-errors.js";
import { XbotError } from "../errors.js";
import type { XSite } from "./types.js";

/** Something selectors can be scoped to. */
export type Scope = Page | Locator;

/** Default wait for page elements. */
export const DEFAULT_WAIT_MS = 10_000;
const POLL_MS = 100;

/** The element wait of a site (default 10 s). */
export function waitMsOf(site: XSite): number {
  return site.waitMs ?? DEFAULT_WAIT_MS;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The first selector of `list` (in list order) with a visible match, checked once. */
export async function firstVisibleNow(scope: Scope, list: readonly string[]): Promise<Locator | null> {
  for (const selector of list) {
    const loc = scope.locator(selector);
    const n = await loc.count();
    for (let i = 0; i < n; i++) {
      if (await loc.nth(i).isVisible()) return loc.nth(i);
    }
  }
  return null;
}

/** The first selector of `list` (in list order) with any match, checked once. */
export async function firstAttachedNow(scope: Scope, list: readonly string[]): Promise<Locator | null> {
  for (const selector of list) {
    const loc = scope.locator(selector);
    if ((await loc.count()) > 0) return loc.first();
  }
  return null;
}

/** Polls {@link firstVisibleNow} until it finds something or `timeoutMs` passes (then null). */
export async function waitVisible(scope: Scope, list: readonly string[], timeoutMs: number): Promise<Locator | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await firstVisibleNow(scope, list);
    if (found || Date.now() >= deadline) return found;
    await sleep(POLL_MS);
  }
}

/** Opens `url`, mapping Playwright's navigation timeout to `page_timeout`. */
export async function navigate(page: Page, url: string): Promise<void> {
  try {
    await page.goto(url, { waitUntil: "domcontentloaded" });
  } catch (error) {
    if (isPlaywrightTimeout(error)) {
      throw new XbotError("page_timeout", `navigation to ${url} timed out`, { cause: error, details: { url } });
    }
    throw error;
  }
}

/** `${baseUrl}${path}` without a doubled slash. */
export function urlOf(site: XSite, path: string): string {
  return site.baseUrl.replace(/\/+$/, "") + path;
}

/** Throws `deadline` if the signal fired; `posted` says whether a post may already exist. */
export function throwIfAborted(signal: AbortSignal | undefined, posted: false | "unknown"): void {
  if (signal?.aborted) {
    throw new XbotError("deadline", "operation aborted", { details: { posted } });
  }
}

/** A copy of an XbotError with extra details (details are read-only). */
export function withDetails(error: XbotError, extra: Record<string, unknown>): XbotError {
  const copy = new XbotError(error.code, error.message, {
    cause: error.cause,
    details: { ...error.details, ...extra },
  });
  if (error.stack) copy.stack = error.stack;
  return copy;
}

/** `{ id, author }` from a status href (`/<author>/status/<id>`, absolute or relative), or null. */
export function parseStatusHref(href: string | null): { id: string; author: string } | null {
  if (!href) return null;
  let path = href;
  try {
    path = new URL(href, "https://x.invalid").pathname;
  } catch {
    return null;
  }
  const m = /^\/([A-Za-z0-9_]{1,15})\/status\/(\d{1,20})(?:\/|$)/.exec(path);
  return m?.[1] && m[2] ? { author: m[1], id: m[2] } : null;
}
