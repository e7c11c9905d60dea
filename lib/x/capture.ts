/**
 * Watches CreateTweet calls of a page, in order. Start watching BEFORE clicking the post
 * button, so no response can slip by; a thread produces one response per tweet.
 */
import type { Page, Request, Response } from "playwright-core";
import { sleep } from "./dom.js";
import { CREATE_TWEET_PATH } from "./selectors.js";

/** What happened to the next CreateTweet call. `json` is undefined when the body could not be read. */
export type CreateTweetEvent =
  | { readonly kind: "response"; readonly status: number; readonly json: unknown }
  | { readonly kind: "failed"; readonly error: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "aborted" };

/** A running watch; `stop()` removes the listeners. */
export interface CreateTweetWatcher {
  /** The next CreateTweet event, waiting at most `timeoutMs`. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<CreateTweetEvent>;
  stop(): void;
}

const BODY_READ_MS = 10_000;

function isCreateTweet(request: Request): boolean {
  if (request.method() !== "POST") return false;
  try {
    return CREATE_TWEET_PATH.test(new URL(request.url()).pathname);
  } catch {
    return false;
  }
}

async function readEvent(response: Response): Promise<CreateTweetEvent> {
  const json = await Promise.race([response.json().catch(() => undefined), sleep(BODY_READ_MS).then(() => undefined)]);
  return { kind: "response", status: response.status(), json };
}

/** Waits until `wake` is called, `ms` passes or `signal` aborts. */
function waitForWake(ms: number, signal: AbortSignal | undefined, setWake: (fn: (() => void) | null) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      setWake(null);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    setWake(done);
  });
}

/** Starts watching `page` for CreateTweet responses and failed requests. */
export function watchCreateTweet(page: Page): CreateTweetWatcher {
  const queue: Promise<CreateTweetEvent>[] = [];
  let wake: (() => void) | null = null;
  const setWake = (fn: (() => void) | null): void => {
    wake = fn;
  };
  const onResponse = (r: Response): void => {
    if (!isCreateTweet(r.request())) return;
    queue.push(readEvent(r));
    wake?.();
  };
  const onFailed = (req: Request): void => {
    if (!isCreateTweet(req)) return;
    queue.push(Promise.resolve({ kind: "failed", error: req.failure()?.errorText ?? "request failed" }));
    wake?.();
  };
  page.on("response", onResponse);
  page.on("requestfailed", onFailed);
  return {
    async next(timeoutMs, signal) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const head = queue.shift();
        if (head) return head;
        if (signal?.aborted) return { kind: "aborted" };
        const remaining = deadline - Date.now();
        if (remaining <= 0) return { kind: "timeout" };
        await waitForWake(remaining, signal, setWake);
      }
    },
    stop() {
      page.off("response", onResponse);
      page.off("requestfailed", onFailed);
    },
  };
}
