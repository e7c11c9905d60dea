/**
 * When the next post is due: at or after `max(now, lastDueAt + minGap)`, inside the
 * operator's active hours (UTC), preferably inside the bandit's hour bucket, plus a
 * random jitter that never leaves the allowed window (so it cannot break active hours).
 */

/** Active hours in UTC: [start, end). start > end wraps midnight; start == end means all day. */
export interface ActiveHours {
  readonly start: number;
  readonly end: number;
}

/** Options of {@link nextSlot}. */
export interface SlotOptions {
  readonly now: Date;
  readonly activeHours: ActiveHours;
  /** Due time of the last queued or posted item, if any. */
  readonly lastDueAt: Date | null;
  readonly minGapMs: number;
  /** Up to this much random delay is added. */
  readonly jitterMs: number;
  readonly random: () => number;
  /** Preferred bucket (its start hour, UTC). Ignored when it never overlaps active hours. */
  readonly hourBucket?: number | undefined;
  /** Bucket width in hours. Default 4. */
  readonly bucketHours?: number;
}

const HOUR_MS = 3_600_000;
const SEARCH_HOURS = 48;

/** Whether UTC hour `h` is inside the active hours. */
export function isActiveHour(h: number, active: ActiveHours): boolean {
  if (active.start === active.end) return true;
  return active.start < active.end ? h >= active.start && h < active.end : h >= active.start || h < active.end;
}

function inBucket(h: number, bucket: number | undefined, width: number): boolean {
  return bucket === undefined || (h >= bucket && h < bucket + width);
}

/** The first allowed instant at or after `from`, and the end of the allowed run it starts; null if none within 48 h. */
function firstAllowed(from: number, allowed: (h: number) => boolean): { at: number; runEnd: number } | null {
  for (let i = 0; i <= SEARCH_HOURS; i++) {
    const hourStart = Math.floor(from / HOUR_MS) * HOUR_MS + i * HOUR_MS;
    if (!allowed(new Date(hourStart).getUTCHours())) continue;
    let runEnd = hourStart + HOUR_MS;
    while (runEnd - hourStart < 24 * HOUR_MS && allowed(new Date(runEnd).getUTCHours())) runEnd += HOUR_MS;
    return { at: Math.max(from, hourStart), runEnd };
  }
  return null;
}

/** The next due time (see module doc). Throws on invalid active hours. */
export function nextSlot(options: SlotOptions): Date {
  const { start, end } = options.activeHours;
  if (![start, end].every((h) => Number.isInteger(h) && h >= 0 && h <= 24)) throw new RangeError(`active hours must be integers 0..24, got ${start}-${end}`);
  const earliest = Math.max(options.now.getTime(), (options.lastDueAt?.getTime() ?? -Infinity) + options.minGapMs);
  const width = options.bucketHours ?? 4;
  const active = (h: number) => isActiveHour(h, options.activeHours);
  const preferred = (h: number) => active(h) && inBucket(h, options.hourBucket, width);
  const slot = firstAllowed(earliest, preferred) ?? firstAllowed(earliest, active);
  if (!slot) throw new RangeError("active hours allow no hour");
  const jitter = options.random() * Math.max(0, Math.min(options.jitterMs, slot.runEnd - slot.at - 1));
  return new Date(slot.at + Math.floor(jitter));
}
