/** Text formatting the way x.com shows it. */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** Escapes text for HTML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Visible abbreviated count: 999, 1.2K, 8.4K, 12K, 3M (truncated, like x.com); "" for 0. */
export function abbreviate(n: number): string {
  if (n <= 0) return "";
  if (n < 1000) return String(n);
  const [div, suffix] = n < 1_000_000 ? [1000, "K"] : [1_000_000, "M"];
  const v = n / div;
  const shown = v >= 10 ? Math.floor(v) : Math.floor(v * 10) / 10;
  return `${shown}${suffix}`;
}

/** 1234567 → "1,234,567". */
export function withCommas(n: number): string {
  return Math.floor(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Short relative time of a timeline tweet: "12s", "5m", "3h", then "May 3" / "May 3, 2024". */
export function relativeTime(createdAtMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - createdAtMs) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  const d = new Date(createdAtMs);
  const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  return d.getUTCFullYear() === new Date(nowMs).getUTCFullYear() ? day : `${day}, ${d.getUTCFullYear()}`;
}

/** Focal tweet time: "3:04 PM · May 3, 2025" (UTC). */
export function longTime(createdAtMs: number): string {
  const d = new Date(createdAtMs);
  const h = d.getUTCHours();
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  const clock = `${h % 12 === 0 ? 12 : h % 12}:${mm} ${h < 12 ? "AM" : "PM"}`;
  return `${clock} · ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

/** Twitter API `created_at`: "Wed Oct 10 20:19:24 +0000 2018". */
export function twitterDate(ms: number): string {
  const d = new Date(ms);
  const t = d.toISOString().slice(11, 19);
  const day = String(d.getUTCDate()).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${t} +0000 ${d.getUTCFullYear()}`;
}

/** Count label like x.com's aria-labels: "1 Reply" / "13 Replies". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
