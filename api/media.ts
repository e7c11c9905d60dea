import { mediaRoute } from "../lib/runtime/http/media-route.js";

export const { GET } = mediaRoute();
