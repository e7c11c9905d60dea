/**
 * How a run reaches X: the site, the transport posting and reconciliation go through, and the
 * run's browser for the reads only the browser does. lib/jobs/x-access.ts builds one per run.
 */
import type { BrowserSession } from "../browser/index.js";
import type { XTransport } from "./transport/port.js";
import type { XSite } from "./types.js";

/** One run's way to X. */
export interface XAccess {
  readonly site: XSite;
  /** Posting and reconciliation go through this port (XBOT_X_TRANSPORT). */
  readonly x: XTransport;
  /**
   * Reads of our metrics, followers and mentions go through this port: the API under
   * `api`, the browser under `browser` and `hybrid` (hybrid posts through the API and reads
   * through the browser). API reads are priced and drawn from the daily dollar budget; they
   * load no page, so they never count against the visit budget.
   */
  readonly reads: XTransport;
  /** The run's browser, for the reads only the browser does (curated accounts' timelines). */
  browser(): Promise<BrowserSession>;
}
