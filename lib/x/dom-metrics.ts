/**
 * Counters from a rendered article, with x.com's real quirks (REFERENCE.md, "Real x.com
 * markup"): the action bar's own aria-label summarises every non-zero count without
 * separators ("427 replies, 728 reposts, 4412 likes, 392 bookmarks, 403765 views"); a
 * button's label carries its count ("8467 Likes. Like") except the timeline's bookmark
 * button ("Bookmark"); a missing button (older layouts have no bookmark) is unknown; the
 * visible text is abbreviated ("1.7K") and so only approximate.
 */
import { countInText, parseCount } from "./counts.js";
import type { RawArticle } from "./in-page.js";
import type { MetricName, TweetMetrics } from "./types.js";

const NAMES: readonly MetricName[] = ["replies", "reposts", "likes", "bookmarks", "views"];
const SUMMARY_WORD: Record<MetricName, RegExp> = {
  replies: /(\d+)\s+repl(?:y|ies)\b/i,
  reposts: /(\d+)\s+(?:reposts?|retweets?)\b/i,
  likes: /(\d+)\s+likes?\b/i,
  bookmarks: /(\d+)\s+bookmarks?\b/i,
  views: /(\d+)\s+views?\b/i,
};

type Reading = { value: number | null; approximate: boolean };

/** A counter from the summary label: named → exact; not named but its control exists → 0 (X leaves zeros out). */
function fromSummary(summary: string, name: MetricName, hasControl: boolean): Reading {
  const m = SUMMARY_WORD[name].exec(summary.replace(/,(?=\d{3}\b)/g, ""));
  if (m?.[1]) return { value: Number(m[1]), approximate: false };
  return { value: hasControl ? 0 : null, approximate: false };
}

/** A counter from its own control: a number in the label; else zero-label or visible text. */
function fromButton(button: { label: string | null; shown: string } | null, name: MetricName): Reading {
  if (!button) return { value: null, approximate: false };
  const exact = button.label === null ? null : countInText(button.label);
  if (exact !== null) return { value: exact, approximate: false };
  if (name === "bookmarks" || name === "views") return { value: null, approximate: false };
  const shown = parseCount(button.shown);
  if (shown === null) return { value: null, approximate: false };
  return { value: shown, approximate: /[kmb]/i.test(button.shown) };
}

/** The counters of one raw article, each exact, approximate or unknown (null). */
export function metricsFromArticle(raw: RawArticle): TweetMetrics {
  const values = {} as Record<MetricName, number | null>;
  const approximate: MetricName[] = [];
  const unknown: MetricName[] = [];
  for (const name of NAMES) {
    const button = raw.buttons[name];
    const r = raw.summary ? fromSummary(raw.summary, name, button !== null) : fromButton(button, name);
    values[name] = r.value;
    if (r.value === null) unknown.push(name);
    else if (r.approximate) approximate.push(name);
  }
  return { ...values, source: "dom", approximate, unknown };
}
