/**
 * Every job of xbot, listed explicitly. Nothing registers itself on import; vercel.json
 * has one cron and one api/jobs/<name>.ts per entry (a contract test checks both).
 */
import type { JobDefinition } from "./job.js";
import { heal } from "./heal.js";
import { followers } from "./followers.js";
import { learn } from "./learn.js";
import { metrics } from "./metrics.js";
import { plan } from "./plan.js";
import { post } from "./post.js";
import { reconcile } from "./reconcile.js";
import { replies } from "./replies.js";

/** The jobs in their natural order; the catalog keeps it where `after` does not decide (npm start -- --once). */
export const JOBS: readonly JobDefinition[] = [plan, post, replies, reconcile, metrics, followers, learn, heal];
