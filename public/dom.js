// Small DOM helpers shared by the dashboard's modules (app.js, incidents.js, review.js,
// safety.js). Text is always set with textContent, never parsed as HTML.

/** Creates an element: el("td", { class: "num" }, "text", child, ...); on* attributes are listeners. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    // Through the CSSOM: a style attribute would be an inline style, which the CSP (style-src 'self') blocks.
    else if (key === "style") node.style.cssText = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The admin token this tab holds (set by app.js), or null. */
export const adminToken = () => sessionStorage.getItem("xbot.adminToken");

/** A short time: "2026-01-31 09:30 UTC". */
export function when(value) {
  const t = typeof value === "string" ? Date.parse(value) : typeof value === "number" ? value : NaN;
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC` : "-";
}
