/** x.com's toast (`[data-testid="toast"]`, role alert), with a "View" link to a new post. */
import { q, qa } from "./dom.js";

/** How long a toast stays. */
const TOAST_MS = 10_000;

/** Shows a toast (replacing any other), with a "View" link when `href` is given. */
export function toast(message: string, href?: string): void {
  for (const t of qa('[data-testid="toast"]')) t.remove();
  const el = document.createElement("div");
  el.setAttribute("role", "alert");
  el.dataset.testid = "toast";
  el.innerHTML = `<div><span></span></div>${href ? '<a role="link"><span>View</span></a>' : ""}`;
  const span = q("span", el);
  if (span) span.textContent = message;
  if (href) q("a", el)?.setAttribute("href", href);
  (q("#layers") ?? document.body).appendChild(el);
  setTimeout(() => el.remove(), TOAST_MS);
}
