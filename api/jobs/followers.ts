import { jobRoute } from "../../lib/runtime/http/job-route.js";

export const { GET, POST } = jobRoute("followers");
