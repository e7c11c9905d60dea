import { post } from "../../lib/jobs/post.js";
import { browserOpenerFrom } from "../../lib/runtime/browser-need.js";
import { jobFunction } from "../../lib/runtime/http/job-function.js";

export const { GET, POST } = jobFunction(post, { browser: browserOpenerFrom });
