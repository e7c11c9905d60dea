/** Is the stored session still logged in, and as whom? */
import type { Page } from "playwright-core";
import { XbotError } from "../errors.js";
import { detectWall, SESSION_EXPIRED_MESSAGE } from "./detect.js";
import { navigate, urlOf, waitMsOf, waitVisible } from "./dom.js";
import { SEL } from "./selectors.js";
import type { SessionCheck, XSite } from "./types.js";

/**
 * Opens `${baseUrl}/home`: logged in when the account switcher shows an @handle, which is
 * returned (compare it with `site.user`; a mismatch is logged). Login wall or no switcher →
 * `session_expired`; a challenge → `x_challenge`.
 */
export async function checkSession(page: Page, site: XSite): Promise<SessionCheck> {
  await navigate(page, urlOf(site, "/home"));
  await detectWall(page, { waitMs: waitMsOf(site) });
  const switcher = await waitVisible(page, SEL.accountSwitcher, waitMsOf(site));
  const text = switcher ? await switcher.innerText() : "";
  const handle = /@([A-Za-z0-9_]{1,15})/.exec(text)?.[1];
  if (!handle) throw new XbotError("session_expired", SESSION_EXPIRED_MESSAGE, { details: { url: page.url(), switcher: switcher !== null } });
  if (handle.toLowerCase() !== site.user.toLowerCase()) {
    site.logger?.warn("x.session.other_account", { expected: site.user, actual: handle });
  }
  return { loggedIn: true, user: handle };
}
