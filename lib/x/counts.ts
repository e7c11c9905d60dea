/**
 * Count parsing for x.com's two formats: exact numbers in aria-labels ("8467 Likes. Like",
 * "7,154 Views. View post analytics") and abbreviated visible text ("8.4K", "3M", "1,234").
 */

const MULTIPLIER: Record<string, number> = { "": 1, k: 1_000, m: 1_000_000, b: 1_000_000_000 };
const WHOLE = /^(\d+(?:\.\d+)?)([kmb]?)$/i;
const TOKEN = /(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([kmb])?(?![a-z0-9])/i;

/**
 * Parses one count as x.com shows it: "1.2K" → 1200, "12.5K" → 12500, "3M" → 3000000,
 * "1,234" → 1234, "" → 0 (x.com shows nothing for zero). Null when it is not a count.
 */
export function parseCount(text: string): number | null {
  const compact = text.replace(/[\s\u00a0,]/g, "");
  if (compact === "") return 0;
  const m = WHOLE.exec(compact);
  if (!m?.[1]) return null;
  const value = Number(m[1]) * (MULTIPLIER[(m[2] ?? "").toLowerCase()] ?? 1);
  return Number.isFinite(value) ? Math.round(value) : null;
}

/** The first count token inside a longer text ("4,321 Followers" → 4321), or null when none. */
export function countInText(text: string): number | null {
  const m = TOKEN.exec(text);
  if (!m?.[1]) return null;
  return parseCount(`${m[1]}${m[2] ?? ""}${m[3] ?? ""}`);
}

/**
 * The count in an action button's aria-label: "8467 Likes. Like" → 8467,
 * "7,154 Views. View post analytics" → 7154, "Like" (x.com's label at zero) → 0.
 */
export function countFromAriaLabel(label: string): number {
  return countInText(label) ?? 0;
}
