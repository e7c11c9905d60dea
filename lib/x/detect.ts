/**
 * Walls: what x.com shows instead of the page we asked for, as typed errors. Call
 * {@link detectWall} right after every navigation.
 */
import type { Page } from "playwright-core";
import { XbotError } from "../errors.js";
import { firstAttachedNow } from "./dom.js";
import { anyOf, SEL } from "./selectors.js";

export { classifyCreateTweetResponse, type CreateTweetOutcome } from "./create-tweet.js";

/** Message of the session_expired error raised for a login wall. */
export const SESSION_EXPIRED_MESSAGE = "session expired: import a new one";

const RATE_LIMIT_TEXT = /rate limit|over the daily limit|too many requests|reached your limit/i;
const CHALLENGE_TEXT = /verify you are human|authenticate your account|unusual activity/i;
const NO_ACCOUNT_TEXT = /account doesn.t exist|account is suspended/i;

/** Options of {@link detectWall}. */
export interface DetectOptions {
  /** How long to wait for the page to render any known landmark. Default 10 000 ms. */
  readonly waitMs?: number;
}

/**
 * Throws the typed error for a wall on the current page: login wall → `session_expired`,
 * challenge → `x_challenge`, rate-limit notice → `x_rate_limited`, "page doesn't exist" on a
 * status page → `x_tweet_deleted` (elsewhere: unknown account → `not_found`, other → `page_unexpected`).
 * A page that renders nothing recognisable within `waitMs` → `page_timeout`. Returns when clear.
 */
export async function detectWall(page: Page, options: DetectOptions = {}): Promise<void> {
  await waitForLandmark(page, options.waitMs ?? 10_000);
  const url = page.url();
  const path = safePath(url);
  if (path.startsWith("/account/access") || (await isChallenge(page))) {
    throw new XbotError("x_challenge", "x.com shows a challenge wall", { details: { url } });
  }
  if (path === "/login" || path.startsWith("/i/flow/login") || (await isLoginWall(page))) {
    throw new XbotError("session_expired", SESSION_EXPIRED_MESSAGE, { details: { url } });
  }
  const notice = await noticeText(page);
  if (RATE_LIMIT_TEXT.test(notice)) {
    throw new XbotError("x_rate_limited", "x.com shows a rate-limit notice", { details: { url, notice } });
  }
  await throwOnErrorPage(page, url, path);
}

async function waitForLandmark(page: Page, waitMs: number): Promise<void> {
  try {
    await page.locator(anyOf(SEL.landmarks)).first().waitFor({ state: "attached", timeout: waitMs });
  } catch (error) {
    throw new XbotError("page_timeout", `no known x.com landmark rendered within ${waitMs} ms`, {
      cause: error,
      details: { url: page.url() },
    });
  }
}

async function isChallenge(page: Page): Promise<boolean> {
  if (await firstAttachedNow(page, SEL.challenge)) return true;
  return (await page.getByRole("heading", { name: CHALLENGE_TEXT }).count()) > 0;
}

async function isLoginWall(page: Page): Promise<boolean> {
  if (!(await firstAttachedNow(page, SEL.loginWall))) return false;
  return !(await firstAttachedNow(page, SEL.accountSwitcher));
}

async function noticeText(page: Page): Promise<string> {
  const texts = await page.locator(anyOf(SEL.notices)).allTextContents();
  return texts.join(" ").replace(/\s+/g, " ").trim();
}

async function throwOnErrorPage(page: Page, url: string, path: string): Promise<void> {
  const detail = await firstAttachedNow(page, SEL.errorDetail);
  if (!detail) return;
  const text = ((await detail.textContent()) ?? "").replace(/\s+/g, " ").trim();
  if (/\/status\/\d+/.test(path)) {
    throw new XbotError("x_tweet_deleted", "the tweet is deleted or does not exist", { details: { url, text } });
  }
  if (NO_ACCOUNT_TEXT.test(text)) {
    throw new XbotError("not_found", "the account does not exist", { details: { url, text } });
  }
  throw new XbotError("page_unexpected", `x.com shows an error page: ${text.slice(0, 120)}`, { details: { url, text } });
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}
