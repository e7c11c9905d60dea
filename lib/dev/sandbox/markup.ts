/**
 * Markup primitives shaped like x.com's React Native Web output (generated classes, deep divs), shared by
 * the server (walls, shell) and the page script (lib/dev/sandbox/app).
 */
import { hash01 } from "./engagement.js";
import { esc } from "./format.js";
import type { Variant } from "./types.js";

/** What every renderer needs to know about the request. */
export interface RenderCtx {
  variant: Variant;
  user: string;
  nowMs: number;
}

const ATOMS = [
  "r-18u37iz",
  "r-1h0z5md",
  "r-13awgt0",
  "r-1wbh5a2",
  "r-1loqt21",
  "r-1777fci",
  "r-bnwqim",
  "r-16y2uox",
  "r-1iusvr4",
  "r-eqz5dr",
  "r-1habvwh",
  "r-3s2u2q",
  "r-1ny4l3l",
  "r-o7ynqc",
  "r-6416eg",
  "r-lrvibr",
  "r-1udh08x",
  "r-kzbkwu",
  "r-1adg3ll",
  "r-14lw9ot",
  "r-obd0qt",
  "r-1wtj0ep",
  "r-1awozwy",
  "r-sdzlij",
  "r-1phboty",
  "r-rs99b7",
  "r-1mnahxq",
  "r-1ets6dv",
];

/** Generated-looking class list ("css-175oi2r r-18u37iz r-..."), stable per key and variant. */
export function cls(key: string, variant: Variant = "a", base = "css-175oi2r"): string {
  const n = 2 + Math.floor(hash01(7, `${variant}:${key}:n`) * 4);
  const picked: string[] = [];
  for (let i = 0; picked.length < n && i < 20; i++) {
    const atom = ATOMS[Math.floor(hash01(7, `${variant}:${key}:${i}`) * ATOMS.length)] ?? "r-18u37iz";
    if (!picked.includes(atom)) picked.push(atom);
  }
  return [base, ...picked].join(" ");
}

/** Wraps html in `depth` nested class-soup divs (variant "b" adds two more levels). */
export function wrap(html: string, depth: number, key: string, variant: Variant): string {
  const total = depth + (variant === "b" ? 2 : 0);
  let out = html;
  for (let i = 0; i < total; i++) out = `<div class="${cls(`${key}${i}`, variant)}">${out}</div>`;
  return out;
}

/** A text span with x.com's text classes. */
export function span(html: string): string {
  return `<span class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3">${html}</span>`;
}

/** Attributes of a button (x.com gives some buttons no test id, e.g. Retry). */
export interface ButtonSpec {
  testid?: string;
  label?: string;
  disabled?: boolean;
  extra?: string;
}

/** Button: `div role="button"` in variant "a", a real `<button>` in variant "b". */
export function button(v: Variant, spec: ButtonSpec, inner: string): string {
  const label = spec.label !== undefined ? ` aria-label="${esc(spec.label)}"` : "";
  const dis = spec.disabled ? ` aria-disabled="true"` : "";
  const tid = spec.testid !== undefined ? `data-testid="${spec.testid}"` : "";
  const common = `${tid}${label}${dis} class="${cls(spec.testid ?? "btn", v)}"${spec.extra ?? ""}`;
  if (v === "b") return `<button type="button" role="button" ${common}${spec.disabled ? " disabled" : ""}>${inner}</button>`;
  return `<div role="button" tabindex="0" ${common}>${inner}</div>`;
}

/** Draft.js-like contenteditable textbox `tweetTextarea_<index>` with its label. */
export function textbox(index: number | string, placeholder: string, v: Variant): string {
  const id = `tweetTextarea_${index}`;
  const editor =
    `<div class="DraftEditor-root"><div class="DraftEditor-editorContainer">` +
    `<div aria-label="Post text" aria-multiline="true" class="notranslate public-DraftEditor-content" ` +
    `contenteditable="true" role="textbox" spellcheck="true" tabindex="0" data-testid="${id}" ` +
    `data-placeholder="${esc(placeholder)}" style="outline:none;user-select:text;white-space:pre-wrap;` +
    `overflow-wrap:break-word;min-height:24px"></div></div></div>`;
  const label = `<label data-testid="${id}_label" class="${cls("label", v)}">${wrap(editor, 1, "ed", v)}</label>`;
  return wrap(label, 2, `tb${index}`, v);
}
