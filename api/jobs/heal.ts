import { heal } from "../../lib/jobs/heal.js";
import { browserOpenerFrom } from "../../lib/runtime/browser-need.js";
import { jobFunction } from "../../lib/runtime/http/job-function.js";

export const { GET, POST } = jobFunction(heal, { browser: browserOpenerFrom });
