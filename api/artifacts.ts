import { artifactRoute } from "../lib/runtime/http/artifact-route.js";

export const { GET } = artifactRoute();
