/**
 * Quoting, as on x.com: the Repost button opens a menu with "Repost" (`retweetConfirm`) and
 * "Quote" (a link to /compose/post); "Quote" opens the compose dialog with the quoted post
 * shown under the textbox, and the post is created with `attachment_url` (create.ts).
 */
import { esc } from "../format.js";
import { openDialog } from "./compose.js";
import { q } from "./dom.js";

function statusOf(article: Element): { author: string; id: string } | null {
  const href = q('a[href*="/status/"] time', article)?.parentElement?.getAttribute("href") ?? "";
  const m = /^\/([^/]+)\/status\/(\d+)/.exec(href);
  return m ? { author: m[1] ?? "", id: m[2] ?? "" } : null;
}

/** Opens the repost menu under an article's Repost button. */
export function openRepostMenu(button: HTMLElement): void {
  q("[data-sb-menu]")?.remove();
  const article = button.closest("article");
  const target = article ? statusOf(article) : null;
  if (!target) return;
  const menu = document.createElement("div");
  menu.dataset.sbMenu = "1";
  menu.setAttribute("role", "menu");
  menu.dataset.sbTarget = `${target.author}/${target.id}`;
  menu.innerHTML = '<div role="menuitem" tabindex="0" data-testid="retweetConfirm"><span>Repost</span></div>' + '<a role="menuitem" href="/compose/post" data-sb-quote-item="1"><span>Quote</span></a>';
  (q("#layers") ?? document.body).appendChild(menu);
}

/** "Quote" of the open menu: the compose dialog with the quoted post. */
export function quoteFromMenu(menu: HTMLElement): void {
  const [author, id] = (menu.dataset.sbTarget ?? "").split("/");
  menu.remove();
  if (!author || !id) return;
  const root = openDialog("compose");
  if (!root) return;
  root.dataset.sbQuote = `https://x.com/${author}/status/${id}`;
  const slot = q("[data-sb-quote-slot]", root);
  const source = [...document.querySelectorAll("article")].find((a) => statusOf(a)?.id === id);
  const quoted = q('[data-testid="tweetText"]', source ?? document)?.textContent ?? "";
  if (slot) slot.innerHTML = `<div role="link" data-sb-quote-of="${esc(id)}"><span>@${esc(author)}</span><div>${esc(quoted)}</div></div>`;
}
