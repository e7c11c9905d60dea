import { reviewRoute } from "../lib/runtime/http/review-route.js";

export const { GET, POST } = reviewRoute();
