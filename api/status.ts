import { statusRoute } from "../lib/runtime/http/status-route.js";

export const { GET } = statusRoute();
