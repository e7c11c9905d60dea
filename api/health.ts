import { healthRoute } from "../lib/runtime/http/health-route.js";

export const { GET } = healthRoute();
