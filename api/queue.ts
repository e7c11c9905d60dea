import { queueRoute } from "../lib/runtime/http/queue-route.js";

export const { POST } = queueRoute();
