/**
 * Cursor pagination over timeline units sorted by sortIndex, newest first. Cursor values are
 * opaque to clients (x.com's look like "DAAHCgAB..."; raw_user_tweets.json); here they carry
 * the sortIndex boundary.
 */
import { cursorEntry, type Entry } from "./entries.js";

/** Something a page lists: its sortIndex and its entry. */
export interface Unit {
  sortIndex: string;
  entry: () => Entry;
}

/** One page: its units and the cursor entries to append. */
export interface Page {
  units: Unit[];
  cursors: Entry[];
  /** True for the first page (no cursor given). */
  first: boolean;
}

const PREFIX = "DAAHCgAB";

function encode(kind: "top" | "bottom", sortIndex: bigint): string {
  return PREFIX + Buffer.from(`${kind}:${sortIndex}`).toString("base64url");
}

/** Decodes a cursor value; null when it is not one of ours. */
function decode(value: string | undefined): { kind: "top" | "bottom"; at: bigint } | null {
  if (!value?.startsWith(PREFIX)) return null;
  const m = /^(top|bottom):(\d{1,25})$/.exec(Buffer.from(value.slice(PREFIX.length), "base64url").toString("utf8"));
  return m ? { kind: m[1] as "top" | "bottom", at: BigInt(m[2] ?? "0") } : null;
}

/** The page of `units` (sorted newest first) after `cursor`, at most `count` units. */
export function paginate(units: Unit[], cursor: string | undefined, count: number): Page {
  const c = decode(cursor);
  const key = (u: Unit) => BigInt(u.sortIndex);
  let slice: Unit[];
  if (!c) slice = units.slice(0, count);
  else if (c.kind === "bottom") slice = units.filter((u) => key(u) < c.at).slice(0, count);
  else slice = units.filter((u) => key(u) > c.at).slice(-count);
  const firstKey = slice[0] ? key(slice[0]) : (c?.at ?? 0n);
  const lastKey = slice.at(-1) ? key(slice.at(-1) as Unit) : (c?.at ?? 0n);
  const cursors = [cursorEntry("Top", String(firstKey + 1n), encode("top", firstKey)), cursorEntry("Bottom", String(lastKey > 0n ? lastKey - 1n : 0n), encode("bottom", lastKey))];
  return { units: slice, cursors, first: c === null };
}
