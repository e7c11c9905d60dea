import { accountsRoute } from "../lib/runtime/http/accounts-route.js";

export const { GET, POST } = accountsRoute();
