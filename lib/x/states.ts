/**
 * Page states that mean "X did not give us the data", as typed errors that never read as
 * "empty": the throttling message "Something went wrong. Try reloading." with its Retry
 * button, "Account suspended", the "temporarily restricted" caution page and "This post is
 * unavailable" (REFERENCE.md, "Real x.com markup"). Throttling is retried with backoff by
 * {@link retryThrottled}; after that it is `x_unavailable`.
 */
import type { Page } from "playwright-core";
import { XbotError } from "../errors.js";
import { sleep } from "./dom.js";
import type { XSite } from "./types.js";

/** A state the page shows instead of tweets. */
export type PageState = "throttled" | "suspended" | "restricted" | "unavailable";

const STATES: readonly (readonly [PageState, RegExp])[] = [
  ["throttled", /something went wrong\.?\s*try reloading/i],
  ["suspended", /account suspended/i],
  ["restricted", /temporarily restricted|account (?:is|has been) (?:temporarily )?locked/i],
  ["unavailable", /this post is unavailable/i],
];

/** Backoff before each Retry click (ms). */
export const RETRY_BACKOFF_MS = [1_000, 2_000, 4_000] as const;

/** The state the primary column (or body) shows right now, or null. */
export async function pageState(page: Page): Promise<PageState | null> {
  const text = await page.evaluate("(document.querySelector('[data-testid=\"primaryColumn\"]') || document.body).innerText").catch(() => "");
  const shown = typeof text === "string" ? text : "";
  return STATES.find(([, re]) => re.test(shown))?.[0] ?? null;
}

/** The typed error of a state; `user` is the profile being read (ours → the account errors). */
export function stateError(state: PageState, site: XSite, user: string | null): XbotError {
  const ours = user === null || user.toLowerCase() === site.user.toLowerCase();
  const details = { user: user ?? site.user, state };
  switch (state) {
    case "throttled":
      return new XbotError("x_unavailable", 'x.com keeps answering "Something went wrong. Try reloading."', { details });
    case "suspended":
      return ours ? new XbotError("x_account_suspended", `@${site.user} is suspended`, { details }) : new XbotError("not_found", `@${user} is suspended`, { details });
    case "restricted":
      return ours ? new XbotError("x_account_restricted", `@${site.user} is temporarily restricted`, { details }) : new XbotError("not_found", `@${user} is temporarily restricted`, { details });
    case "unavailable":
      return new XbotError("x_tweet_unavailable", "x.com says this post is unavailable", { details });
  }
}

/** Throws the typed error when the page shows a state other than throttling; returns the state. */
export async function throwOnHardState(page: Page, site: XSite, user: string | null): Promise<PageState | null> {
  const state = await pageState(page);
  if (state && state !== "throttled") throw stateError(state, site, user);
  return state;
}

/** Waits the `attempt`-th backoff, then clicks x.com's Retry button (or reloads when there is none). */
export async function retryThrottled(page: Page, site: XSite, attempt: number): Promise<void> {
  const wait = RETRY_BACKOFF_MS[Math.min(attempt, RETRY_BACKOFF_MS.length - 1)] ?? 1_000;
  site.logger?.warn("x.read.throttled", { url: page.url(), attempt: attempt + 1, waitMs: wait });
  await sleep(wait);
  const retry = page.getByRole("button", { name: /^\s*retry\s*$/i }).first();
  if (await retry.isVisible().catch(() => false)) await retry.click();
  else await page.reload({ waitUntil: "domcontentloaded" });
}
