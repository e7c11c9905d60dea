import { metrics } from "../../lib/jobs/metrics.js";
import { browserOpenerFrom } from "../../lib/runtime/browser-need.js";
import { jobFunction } from "../../lib/runtime/http/job-function.js";

export const { GET, POST } = jobFunction(metrics, { browser: browserOpenerFrom });
