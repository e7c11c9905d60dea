/**
 * The deployed function of one job (api/jobs/<job>.ts): every job's spec (health, `after`,
 * heal's heartbeat checks) but only this job's code, and a browser only when the job opens
 * one. The adapter passes what its job uses, so the function's module graph, and therefore
 * its Vercel bundle, holds nothing else (scripts/check-vc-output.ts checks the bundles).
 * A wiring that disagrees with the job's spec fails when the module loads.
 */
import { XbotError } from "../../errors.js";
import { SPECS } from "../../jobs/specs.js";
import type { BrowserOpenerFactory } from "../../jobs/context.js";
import { opensBrowser, type JobDefinition } from "../../jobs/job.js";
import { defaultFactory } from "./guard.js";
import { jobRoute } from "./job-route.js";

/** What a job's function is wired with. */
export interface JobWiring {
  /** The browser opener factory (browserOpenerFrom); required exactly when the job opens a browser. */
  readonly browser?: BrowserOpenerFactory;
}

/** The GET and POST handlers of a job's own deployed function. */
export function jobFunction(job: JobDefinition, wiring: JobWiring = {}): ReturnType<typeof jobRoute> {
  if (opensBrowser(job) !== Boolean(wiring.browser)) {
    throw new XbotError(
      "config_invalid",
      opensBrowser(job)
        ? `api/jobs/${job.name}.ts must pass { browser: browserOpenerFrom }: the job opens a browser`
        : `api/jobs/${job.name}.ts passes a browser, but the job never opens one (it would only grow the bundle)`,
    );
  }
  const jobs = SPECS.map((spec) => (spec.name === job.name ? job : spec));
  return jobRoute(job.name, defaultFactory({ jobs, ...(wiring.browser ? { browser: wiring.browser } : {}) }));
}
