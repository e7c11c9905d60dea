/**
 * A profile's follower count: the page's UserByScreenName answer (exact, 2024 and 2026
 * shapes), else the largest count among the header's followers / verified_followers links.
 */
import type { Page } from "playwright-core";
import { XbotError } from "../../errors.js";
import { countInText } from "../counts.js";
import { waitMsOf, waitVisible } from "../dom.js";
import { followerLinks } from "../selectors.js";
import { stateError, throwOnHardState } from "../states.js";
import type { FollowersRead, XSite } from "../types.js";
import { openForRead } from "./answer.js";

/** Followers of `user` from `${baseUrl}/<user>`. */
export async function readFollowers(page: Page, site: XSite, user: string): Promise<FollowersRead> {
  const { watch, answer } = await openForRead(page, site, `/${user}`, "UserByScreenName", user);
  try {
    if (answer?.kind === "user") {
      if (answer.user.kind === "unavailable") {
        if (/suspend/i.test(answer.user.reason)) throw stateError("suspended", site, user);
        throw new XbotError("not_found", `@${user} is not available (${answer.user.reason})`, { details: { user } });
      }
      const followers = answer.user.kind === "user" ? answer.user.user.followers : null;
      if (followers !== null) return { followers, source: "graphql", exact: true };
    }
    return await fromDom(page, site, user);
  } finally {
    watch.stop();
  }
}

async function fromDom(page: Page, site: XSite, user: string): Promise<FollowersRead> {
  await throwOnHardState(page, site, user);
  const links = followerLinks(user);
  await waitVisible(page, links, waitMsOf(site));
  const shown: string[] = [];
  for (const selector of links) shown.push(...(await page.locator(selector).allInnerTexts()));
  const counts = shown.map((text) => ({ n: countInText(text), exact: !/\d[.,]?\d*\s*[kmb]\b/i.test(text) })).filter((c) => c.n !== null);
  if (counts.length === 0) {
    if ((await throwOnHardState(page, site, user)) === "throttled") throw stateError("throttled", site, user);
    throw new XbotError("page_unexpected", `no follower count on @${user}'s profile`, { details: { user } });
  }
  const best = counts.reduce((a, b) => ((b.n ?? 0) > (a.n ?? 0) ? b : a));
  return { followers: best.n ?? 0, source: "dom", exact: best.exact };
}
