/** Small DOM helpers of the page script. */

/** First match of a selector (in `root`, default the document). */
export function q<T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T | null {
  return root.querySelector<T>(selector);
}

/** Every match of a selector. */
export function qa<T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T[] {
  return Array.from(root.querySelectorAll<T>(selector));
}

/** An element from HTML (the first element of the markup). */
export function fromHtml(html: string): HTMLElement {
  const t = document.createElement("template");
  t.innerHTML = html;
  const el = t.content.firstElementChild;
  if (!(el instanceof HTMLElement)) throw new Error("markup without an element");
  return el;
}

/** The ct0 cookie (x.com's CSRF token, echoed in `x-csrf-token`). */
export function ct0(): string {
  return /(?:^|;\s*)ct0=([^;]*)/.exec(document.cookie)?.[1] ?? "";
}

/** The page's view mount inside `primaryColumn`. */
export function viewRoot(): HTMLElement {
  const el = q("[data-sb-view]");
  if (!el) throw new Error("app shell without a view mount");
  return el;
}
