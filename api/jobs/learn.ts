import { learn } from "../../lib/jobs/learn.js";
import { jobFunction } from "../../lib/runtime/http/job-function.js";

export const { GET, POST } = jobFunction(learn);
