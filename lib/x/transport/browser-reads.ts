/** The port's reads on one browser page: the lib/x readers, one status page per post for metrics. */
import type { Page } from "playwright-core";
import { toXbotError, type XbotError } from "../../errors.js";
import { readMetrics } from "../read/metrics.js";
import type { TweetMetrics, XSite } from "../types.js";
import type { MetricsRead } from "./port.js";

/**
 * Counters of `ids`, one status page after another on `page`. A deleted post is listed in
 * `deleted`; a post whose read failed for itself (not a dependency's fault) is in `failed`; an
 * error of a dependency (login wall, 226, 429, browser crash) stops the read: thrown when no
 * post was read yet, else returned as `stopped`.
 */
export async function browserMetricsFor(page: Page, site: XSite, ids: readonly string[]): Promise<MetricsRead> {
  const metrics = new Map<string, TweetMetrics>();
  const deleted: string[] = [];
  const failed = new Map<string, XbotError>();
  for (const [i, id] of ids.entries()) {
    try {
      metrics.set(id, await readMetrics(page, site, id));
    } catch (error) {
      const e = toXbotError(error);
      if (e.code === "x_tweet_deleted") deleted.push(id);
      else if (e.dependency === null) failed.set(id, e);
      else if (metrics.size + deleted.length + failed.size === 0) throw e;
      else return { metrics, deleted, failed, stopped: { error: e, unread: ids.slice(i) } };
    }
  }
  return { metrics, deleted, failed };
}
