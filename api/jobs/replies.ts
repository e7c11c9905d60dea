import { replies } from "../../lib/jobs/replies.js";
import { browserOpenerFrom } from "../../lib/runtime/browser-need.js";
import { jobFunction } from "../../lib/runtime/http/job-function.js";

export const { GET, POST } = jobFunction(replies, { browser: browserOpenerFrom });
