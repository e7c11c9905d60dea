/**
 * Every job of xbot, listed explicitly. Nothing registers itself on import; vercel.json
 * has one cron and one api/jobs/<name>.ts per entry (a contract test checks both).
 */
import type { JobDefinition } from "../runtime/job.js";
import { heal } from "./heal.js";

/** The jobs, in no particular order (the catalog computes the topological order). */
export const JOBS: readonly JobDefinition[] = [heal];
