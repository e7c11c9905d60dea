import { plan } from "../../lib/jobs/plan.js";
import { jobFunction } from "../../lib/runtime/http/job-function.js";

export const { GET, POST } = jobFunction(plan);
