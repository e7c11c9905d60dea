/** Timeline instructions into cells the page renders: tweets, tombstones, modules, users, cursors. */
import { parseTweet, parseUser, type TweetView, type UserView } from "./model.js";
import { arr, obj, text, tweetResultOf, userResultOf, type J } from "./shape.js";

/** One tweet slot: a tweet, or the tombstone of a deleted one. */
export type TweetItem = { kind: "tweet"; tweet: TweetView } | { kind: "tombstone"; text: string };

/** A rendered row group. */
export type Cell =
  | { kind: "item"; entryId: string; item: TweetItem; pinned: boolean }
  | { kind: "module"; entryId: string; items: TweetItem[] }
  | { kind: "users"; entryId: string; title: string; users: UserView[] };

/** One page of a timeline. */
export interface TimelinePage {
  cells: Cell[];
  /** Value of the Bottom cursor, if any. */
  bottom: string | null;
  /** Tweet slots in the page (0 past the end). */
  tweets: number;
}

/** A TimelineTweet `itemContent` into a slot; null for unreadable results (e.g. TweetUnavailable). */
export function itemOf(content: J | undefined): TweetItem | null {
  const r = tweetResultOf(content);
  if (!r) return null;
  if (r.__typename === "TweetTombstone") return { kind: "tombstone", text: text(obj(obj(r.tombstone)?.text), "text") };
  const t = r.__typename === "TweetWithVisibilityResults" ? obj(r.tweet) : r;
  const tweet = t ? parseTweet(t, content?.tweetDisplayType === "CondensedTweet") : null;
  return tweet ? { kind: "tweet", tweet } : null;
}

function moduleCell(entryId: string, c: J): Cell | null {
  const contents = arr(c.items).map((i) => obj(obj(i.item)?.itemContent));
  if (contents.some((ic) => ic?.itemType === "TimelineUser")) {
    const users = contents.map((ic) => parseUser(userResultOf(ic))).filter((u): u is UserView => u !== null);
    return { kind: "users", entryId, title: text(obj(c.header), "text"), users };
  }
  const items = contents.map(itemOf).filter((i): i is TweetItem => i !== null);
  return items.length > 0 ? { kind: "module", entryId, items } : null;
}

function cellOf(entry: J, pinned: boolean): Cell | null {
  const c = obj(entry.content);
  const entryId = text(entry, "entryId");
  if (c?.entryType === "TimelineTimelineModule") return moduleCell(entryId, c);
  if (c?.entryType !== "TimelineTimelineItem") return null;
  const item = itemOf(obj(c.itemContent));
  return item ? { kind: "item", entryId, item, pinned } : null;
}

function bottomOf(entry: J): string | null {
  const c = obj(entry.content);
  return c?.entryType === "TimelineTimelineCursor" && c.cursorType === "Bottom" ? text(c, "value") : null;
}

/** A timeline's instructions into a page (pinned entry first). */
export function pageOf(instructions: unknown): TimelinePage {
  const page: TimelinePage = { cells: [], bottom: null, tweets: 0 };
  const list = arr(instructions);
  const pin = list.find((i) => i.type === "TimelinePinEntry");
  const entries: [J, boolean][] = [
    ...(pin && obj(pin.entry) ? [[obj(pin.entry) as J, true] as [J, boolean]] : []),
    ...list.filter((i) => i.type === "TimelineAddEntries").flatMap((i) => arr(i.entries).map((e): [J, boolean] => [e, false])),
  ];
  for (const [entry, pinned] of entries) {
    page.bottom = bottomOf(entry) ?? page.bottom;
    const cell = cellOf(entry, pinned);
    if (!cell) continue;
    page.cells.push(cell);
    page.tweets += cell.kind === "item" ? 1 : cell.kind === "module" ? cell.items.length : 0;
  }
  return page;
}
