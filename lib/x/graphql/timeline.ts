/**
 * Timeline instructions (spec fa0311/twitter-openapi `instruction.yaml`): `TimelineAddEntries`,
 * `TimelinePinEntry`, `TimelineReplaceEntry` hold entries; each entry is an item (one tweet),
 * a module (a self-thread, a conversation branch, "who to follow") or a cursor. Instruction
 * types we do not use (`TimelineClearCache`, `TimelineTerminateTimeline`, …) are skipped.
 */
import { z } from "zod";
import { parseTweetResult, type XTweet } from "./tweet.js";

/** One tweet found in a timeline, with where it was. */
export interface TimelineItem {
  readonly tweet: XTweet;
  /** Shown first because it is pinned (not because it is the newest). */
  readonly pinned: boolean;
}

/** What one answer's instructions hold. */
export interface TimelinePage {
  readonly items: readonly TimelineItem[];
  /** Ids of deleted tweets shown as tombstones (from their entry ids). */
  readonly tombstones: readonly string[];
  /** Tweet items whose result did not parse (a read with any of these is not complete). */
  readonly unreadable: number;
  /** The bottom cursor (more entries below), or null at the end. */
  readonly bottomCursor: string | null;
  /** Entries of any kind (cursors included). X ends a timeline with a page of cursors only; an answer with no entries at all proves nothing. */
  readonly entries: number;
}

const ItemContent = z.looseObject({ itemType: z.string().optional(), __typename: z.string().optional(), tweet_results: z.looseObject({ result: z.unknown().optional() }).optional() });
const Content = z.looseObject({
  entryType: z.string().optional(),
  __typename: z.string().optional(),
  itemContent: ItemContent.optional(),
  items: z.array(z.looseObject({ entryId: z.string().optional(), item: z.looseObject({ itemContent: ItemContent.optional() }) })).optional(),
  cursorType: z.string().optional(),
  value: z.string().optional(),
});
const Entry = z.looseObject({ entryId: z.string(), content: Content });
const Instruction = z.looseObject({ type: z.string(), entries: z.array(Entry).optional(), entry: Entry.optional() });

/** The instruction list schema (an array of typed instructions). */
export const InstructionsSchema = z.array(Instruction);

type Acc = { items: TimelineItem[]; tombstones: string[]; unreadable: number; bottomCursor: string | null; entries: number };

function addTweet(acc: Acc, entryId: string, content: z.infer<typeof ItemContent> | undefined, pinned: boolean): void {
  if (!content || (content.itemType ?? content.__typename) !== "TimelineTweet") return;
  const result = parseTweetResult(content.tweet_results?.result);
  if (result.kind === "tweet") acc.items.push({ tweet: result.tweet, pinned });
  else if (result.kind === "tombstone") {
    const id = /tweet-(\d{1,20})$/.exec(entryId)?.[1];
    if (id) acc.tombstones.push(id);
  } else if (result.kind === "unreadable") acc.unreadable++;
}

function addEntry(acc: Acc, entry: z.infer<typeof Entry>, pinned: boolean): void {
  acc.entries++;
  const c = entry.content;
  const type = c.entryType ?? c.__typename;
  if (type === "TimelineTimelineItem") addTweet(acc, entry.entryId, c.itemContent, pinned);
  else if (type === "TimelineTimelineModule") for (const it of c.items ?? []) addTweet(acc, it.entryId ?? entry.entryId, it.item.itemContent, pinned);
  else if (type === "TimelineTimelineCursor" && c.cursorType === "Bottom") acc.bottomCursor = c.value ?? null;
}

/** Reads parsed instructions into tweets (in entry order), tombstones and the bottom cursor. */
export function readInstructions(instructions: z.infer<typeof InstructionsSchema>): TimelinePage {
  const acc: Acc = { items: [], tombstones: [], unreadable: 0, bottomCursor: null, entries: 0 };
  for (const ins of instructions) {
    if (ins.type === "TimelinePinEntry" && ins.entry) addEntry(acc, ins.entry, true);
    else if (ins.type === "TimelineReplaceEntry" && ins.entry) addEntry(acc, ins.entry, false);
    else for (const entry of ins.entries ?? []) addEntry(acc, entry, false);
  }
  return acc;
}
