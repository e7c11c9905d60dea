import { reconcile } from "../../lib/jobs/reconcile.js";
import { browserOpenerFrom } from "../../lib/runtime/browser-need.js";
import { jobFunction } from "../../lib/runtime/http/job-function.js";

export const { GET, POST } = jobFunction(reconcile, { browser: browserOpenerFrom });
