/**
 * Scripts that run INSIDE the page, kept as plain JavaScript strings: a TypeScript function
 * passed to `page.evaluate` is serialised after the dev transpiler has added helper calls
 * (`__name`) that do not exist in the page. Each script is an expression `(arg) => result`;
 * {@link inPage} turns it and its JSON argument into one evaluable expression.
 */

/** `(script)(arg)` as one expression string for `page.evaluate`. */
export function inPage(script: string, arg: unknown): string {
  return `(${script})(${JSON.stringify(arg)})`;
}

/** Raw facts of one rendered tweet article (see READ_ARTICLES_JS). */
export interface RawArticle {
  readonly href: string | null;
  readonly datetime: string | null;
  readonly text: string;
  readonly truncated: boolean;
  /** aria-label of the action bar (`div[role="group"]` holding the reply button), e.g. "3 replies, 12 likes, 300 views". */
  readonly summary: string | null;
  /** Per counter button: its aria-label and its visible text; null when the button is missing. */
  readonly buttons: Readonly<Record<"replies" | "reposts" | "likes" | "bookmarks" | "views", { label: string | null; shown: string } | null>>;
  /** Images/videos in the article (carousel groups and media test ids). */
  readonly media: number;
}

/**
 * `({ selectors }) => RawArticle[]`, in document order. The text keeps emoji (`<img alt>`),
 * replaces external links by their href (t.co), and leaves out controls inside the text
 * ("Show more", buttons); `truncated` says a "Show more" control was there.
 */
export const READ_ARTICLES_JS = String.raw`({ article, text, time, showMore, buttons, views, media }) => {
  function textOf(root) {
    let out = "";
    let truncated = false;
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    let node = walk.nextNode();
    while (node) {
      if (node.nodeType === Node.TEXT_NODE) { out += node.nodeValue; node = walk.nextNode(); continue; }
      const el = node;
      if (el.matches(showMore) || el.matches('button,[role="button"]')) {
        if (el.matches(showMore)) truncated = true;
        node = skip(walk, el); continue;
      }
      if (el.tagName === "IMG") { out += el.getAttribute("alt") || ""; }
      if (el.tagName === "BR") { out += "\n"; }
      if (el.tagName === "A" && /^https?:/i.test(el.getAttribute("href") || "")) {
        out += el.getAttribute("href"); node = skip(walk, el); continue;
      }
      node = walk.nextNode();
    }
    return { text: out, truncated };
  }
  function skip(walk, el) {
    let next = el;
    while (next && !next.nextSibling) { next = next.parentNode; if (!next || next === walk.root) return null; }
    if (!next) return null;
    walk.currentNode = next.nextSibling;
    return walk.currentNode;
  }
  function button(scope, list) {
    for (const sel of list) {
      const el = scope.querySelector(sel);
      if (el) return { label: el.getAttribute("aria-label"), shown: (el.textContent || "").trim() };
    }
    return null;
  }
  const out = [];
  for (const el of document.querySelectorAll(article)) {
    const t = el.querySelector(time);
    const body = el.querySelector(text);
    const read = body ? textOf(body) : { text: "", truncated: false };
    const groups = Array.from(el.querySelectorAll('div[role="group"]'));
    const bar = groups.find((g) => g.querySelector(buttons.replies.join(","))) || null;
    const scope = bar || el;
    const mediaCount = Math.max(el.querySelectorAll(media).length, groups.filter((g) => g !== bar).reduce((n, g) => n + g.querySelectorAll("img").length, 0));
    out.push({
      href: t && t.closest("a") ? t.closest("a").getAttribute("href") : null,
      datetime: t ? t.getAttribute("datetime") : null,
      text: read.text,
      truncated: read.truncated,
      summary: bar ? bar.getAttribute("aria-label") : null,
      buttons: {
        replies: button(scope, buttons.replies), reposts: button(scope, buttons.reposts), likes: button(scope, buttons.likes),
        bookmarks: button(scope, buttons.bookmarks), views: button(el, views),
      },
      media: mediaCount,
    });
  }
  return out;
}`;
