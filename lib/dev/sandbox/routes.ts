/** Which logged-in page a path is (shared by the server, for the status code, and the page script). */

/** A logged-in page. */
export type Route = { kind: "home" } | { kind: "compose" } | { kind: "mentions" } | { kind: "status"; id: string } | { kind: "profile"; handle: string } | { kind: "notfound" };

const STATUS = /^\/(?:i|i\/web|[A-Za-z0-9_]{1,15})\/status\/(\d{1,20})\/?$/;
const PROFILE = /^\/([A-Za-z0-9_]{1,15})\/?$/;
const RESERVED = new Set(["home", "explore", "notifications", "messages", "settings", "i", "compose", "login", "search"]);

/** The page of a path; "notfound" when none matches. */
export function routeOf(path: string): Route {
  if (path === "/home") return { kind: "home" };
  if (path === "/compose/tweet" || path === "/compose/post") return { kind: "compose" };
  if (path === "/notifications/mentions" || path === "/notifications") return { kind: "mentions" };
  const status = STATUS.exec(path);
  if (status?.[1]) return { kind: "status", id: status[1] };
  const profile = PROFILE.exec(path);
  if (profile?.[1] && !RESERVED.has(profile[1].toLowerCase())) return { kind: "profile", handle: profile[1] };
  return { kind: "notfound" };
}
