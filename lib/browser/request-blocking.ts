/**
 * Request blocking and cheap traffic counters for a browser context. Blocking images, media
 * and fonts cuts bytes and time; X's pages work without them.
 */
import type { BrowserContext, Response, Route } from "playwright-core";

/** Playwright resource types (Request.resourceType()). */
export type ResourceType =
  | "document" | "stylesheet" | "image" | "media" | "font" | "script" | "texttrack"
  | "xhr" | "fetch" | "eventsource" | "websocket" | "manifest" | "other";

/** Blocked unless the caller says otherwise. */
export const DEFAULT_BLOCKED_RESOURCES: readonly ResourceType[] = ["image", "media", "font"];

/** Counters of one browser session (benchmarks, health). */
export interface BrowserStats {
  /** Pages opened by withPage. */
  pagesOpened: number;
  /** Requests aborted by the blocking route. */
  requestsBlocked: number;
  /** Sum of Content-Length of responses that declared one (chunked bodies are not counted). */
  bytesReceived: number;
}

/** Fresh zeroed counters. */
export function emptyStats(): BrowserStats {
  return { pagesOpened: 0, requestsBlocked: 0, bytesReceived: 0 };
}

/** Installs the blocking route (only when something is blocked) and the byte counter. */
export async function installTrafficControl(context: BrowserContext, blocked: readonly ResourceType[], stats: BrowserStats): Promise<void> {
  context.on("response", (response: Response) => {
    const length = Number(response.headers()["content-length"]);
    if (Number.isFinite(length) && length > 0) stats.bytesReceived += length;
  });
  if (blocked.length === 0) return;
  const types = new Set<string>(blocked);
  await context.route("**/*", async (route: Route) => {
    if (types.has(route.request().resourceType())) {
      stats.requestsBlocked += 1;
      await route.abort("blockedbyclient").catch(() => {});
      return;
    }
    await route.fallback().catch(() => {});
  });
}
