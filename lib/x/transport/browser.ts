/**
 * The browser transport: the lib/x page operations, one Playwright page per unit of work.
 * The operations (browser-ops.ts: posting, the readers, their GraphQL schemas) are imported
 * once the run's browser is up, so a browser function's cold start does not load them.
 */
import type { BrowserSession } from "../../browser/index.js";
import { lazyUntilRejected } from "../../promise-cache.js";
import type { XSite } from "../types.js";
import type { XTransport } from "./port.js";

const loadOps = lazyUntilRejected(() => import("./browser-ops.js"));

/** A transport over the run's browser (launched on first use by `browser`). */
export function browserTransport(site: XSite, browser: () => Promise<BrowserSession>): XTransport {
  return {
    kind: "browser",
    async use(label, work, opts) {
      const session = await browser();
      const { pageOps } = await loadOps();
      return session.withPage(label, (page) => work(pageOps(page, site)), opts);
    },
  };
}
