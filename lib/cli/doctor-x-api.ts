/**
 * doctor's X API check (XBOT_X_TRANSPORT=api|hybrid): the keys authenticate (GET /2/users/me)
 * as the configured handle, and the app may write (`x-access-level`): a read-only app cannot post.
 */
import type { Config } from "../config.js";
import { toXbotError } from "../errors.js";
import { isRealX, xBaseUrlOf } from "../jobs/mode.js";
import { apiAccess } from "../x/transport/api.js";
import type { Check } from "./doctor.js";

const CONSOLE = 'developer.x.com → your app → User authentication settings: App permissions "Read and write", then regenerate the Access Token and Secret';

/** The X API check, or null on the browser transport. */
export async function xApiCheck(config: Config): Promise<Check | null> {
  if (config.XBOT_X_TRANSPORT === "browser") return null;
  const { X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN, X_ACCESS_SECRET } = config;
  if (!X_API_KEY || !X_API_SECRET || !X_ACCESS_TOKEN || !X_ACCESS_SECRET)
    return { name: "x api", status: "fail", detail: "X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_SECRET are needed", fix: 'README "X API": create the app and its keys' };
  const site = xBaseUrlOf(config);
  const baseUrl = config.XBOT_X_API_BASE_URL ?? (isRealX(site) ? "https://api.x.com" : site);
  try {
    const access = await apiAccess({ baseUrl, appKey: X_API_KEY, appSecret: X_API_SECRET, accessToken: X_ACCESS_TOKEN, accessSecret: X_ACCESS_SECRET, timeoutMs: 15_000 });
    const target = `${baseUrl} as @${access.user}, permission ${access.accessLevel ?? "not reported"}`;
    if (config.XBOT_X_USER && access.user.toLowerCase() !== config.XBOT_X_USER.toLowerCase())
      return {
        name: "x api",
        status: "fail",
        detail: `${target}: the keys act as @${access.user}, not XBOT_X_USER @${config.XBOT_X_USER}`,
        fix: "generate the Access Token and Secret while logged in as the bot's account",
      };
    if (access.accessLevel === "read") return { name: "x api", status: "fail", detail: `${target}: a read-only app cannot post`, fix: CONSOLE };
    return { name: "x api", status: "ok", detail: target };
  } catch (error) {
    const e = toXbotError(error);
    return {
      name: "x api",
      status: "fail",
      detail: `${baseUrl}: ${e.code}: ${e.message.slice(0, 200)}`,
      fix: e.code === "session_expired" ? "check X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and X_ACCESS_SECRET (regenerate them in the developer console)" : "check XBOT_X_API_BASE_URL and the network",
    };
  }
}
