/**
 * Request blocking and cheap traffic counters for a browser context.
 *
 * Two mechanisms, cheapest first:
 * - native: a Chromium we launch is told at launch not to load images or web fonts
 *   ({@link NATIVE_BLOCK_FLAGS}). Nothing is intercepted and the HTTP cache keeps working, so
 *   X's script bundles are fetched once per run, not once per page.
 * - routed: every other type (and everything on a remote CDP browser) goes through a
 *   Playwright route that aborts by resource type. A route pauses every request in Node and
 *   disables the HTTP cache (microsoft/playwright#7220), which is why `media` is opt-in: on X
 *   it would only catch GIF clips, since video segments arrive as fetch/xhr.
 */
import type { BrowserContext, Response, Route } from "playwright-core";
import { RESOURCE_TYPES } from "../config.js";

export { RESOURCE_TYPES };

/** A Playwright resource type. */
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Blocked unless the caller says otherwise: both are blocked natively by launched browsers. */
export const DEFAULT_BLOCKED_RESOURCES: readonly ResourceType[] = ["image", "font"];

/** The launch flag that stops Chromium loading a resource type at all. */
export const NATIVE_BLOCK_FLAGS: Readonly<Partial<Record<ResourceType, string>>> = {
  image: "--blink-settings=imagesEnabled=false",
  font: "--disable-remote-fonts",
};

/** How a list of blocked types is carried out: launch flags for some, a route for the rest. */
export interface BlockingPlan {
  /** Types blocked by launch flags. */
  readonly native: readonly ResourceType[];
  /** Types aborted by the context route. */
  readonly routed: readonly ResourceType[];
}

/** Splits `blocked` into native and routed types; `canLaunchFlags` is false for a remote browser. */
export function planBlocking(blocked: readonly ResourceType[], canLaunchFlags: boolean): BlockingPlan {
  const unique = [...new Set(blocked)];
  const native = canLaunchFlags ? unique.filter((type) => NATIVE_BLOCK_FLAGS[type] !== undefined) : [];
  return { native, routed: unique.filter((type) => !native.includes(type)) };
}

/** The launch flags for natively blocked types. */
export function nativeBlockFlags(types: readonly ResourceType[]): string[] {
  return types.flatMap((type) => NATIVE_BLOCK_FLAGS[type] ?? []);
}

/** Counters of one browser session (benchmarks, health). */
export interface BrowserStats {
  /** Pages opened by withPage. */
  pagesOpened: number;
  /** Requests aborted by the blocking route (natively blocked ones are never requested). */
  requestsBlocked: number;
  /** Sum of Content-Length of responses that declared one (chunked bodies are not counted). */
  bytesReceived: number;
}

/** Fresh zeroed counters. */
export function emptyStats(): BrowserStats {
  return { pagesOpened: 0, requestsBlocked: 0, bytesReceived: 0 };
}

/** Installs the byte counter, and the blocking route when `routed` is not empty. */
export async function installTrafficControl(context: BrowserContext, routed: readonly ResourceType[], stats: BrowserStats): Promise<void> {
  context.on("response", (response: Response) => {
    const length = Number(response.headers()["content-length"]);
    if (Number.isFinite(length) && length > 0) stats.bytesReceived += length;
  });
  if (routed.length === 0) return;
  const types = new Set<string>(routed);
  await context.route("**/*", async (route: Route) => {
    if (types.has(route.request().resourceType())) {
      stats.requestsBlocked += 1;
      await route.abort("blockedbyclient").catch(() => {});
      return;
    }
    await route.fallback().catch(() => {});
  });
}
