/** Is the stored session still logged in, and as whom? */
import type { Page } from "playwright-core";
import { XbotError } from "../errors.js";
import { SESSION_EXPIRED_MESSAGE } from "./detect.js";
import { waitMsOf, waitVisible } from "./dom.js";
import { openForRead } from "./read/answer.js";
import { SEL } from "./selectors.js";
import type { SessionCheck, XSite } from "./types.js";

/**
 * Opens `${baseUrl}/home` watching its HomeTimeline answer (X answers 401 / code 32 there
 * when the cookies are dead, and that is `session_expired`), then reads the @handle from the
 * account switcher (compare it with `site.user`; a mismatch is logged). A login wall or no
 * switcher → `session_expired`; a challenge → `x_challenge`; suspended → `x_account_suspended`.
 */
export async function checkSession(page: Page, site: XSite): Promise<SessionCheck> {
  const { watch } = await openForRead(page, site, "/home", "HomeTimeline");
  watch.stop();
  const switcher = await waitVisible(page, SEL.accountSwitcher, waitMsOf(site));
  const text = switcher ? await switcher.innerText() : "";
  const handle = /@([A-Za-z0-9_]{1,15})/.exec(text)?.[1];
  if (!handle) throw new XbotError("session_expired", SESSION_EXPIRED_MESSAGE, { details: { url: page.url(), switcher: switcher !== null } });
  if (handle.toLowerCase() !== site.user.toLowerCase()) {
    site.logger?.warn("x.session.other_account", { expected: site.user, actual: handle });
  }
  return { loggedIn: true, user: handle };
}
