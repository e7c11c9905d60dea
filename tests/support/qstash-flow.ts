/**
 * QStash flow control for the shim, as https://upstash.com/docs/qstash/features/flowcontrol
 * describes it:
 * - limits apply per `Upstash-Flow-Control-Key`, not per URL; any number of keys;
 * - `Upstash-Flow-Control-Value: parallelism=N, rate=R, period=P` (what @upstash/qstash 2.12
 *   sends for `flowControl: { key, parallelism, rate, period }`; at least one of parallelism or
 *   rate, else the publish is refused);
 * - parallelism: at most N calls "active" (sent to the endpoint, response not received yet);
 * - rate: at most R calls activated per period (default 1 s);
 * - over a limit, a message is not refused: it waits in the key's wait list and is delivered
 *   when a slot frees (token handoff; the docs do not promise strict order, this shim is FIFO);
 * - each publish keeps its own config; while old and new configs are both pending, QStash
 *   "effectively allows the highest", so a key's limit is the highest of its pending messages.
 * A retry is a new call: it goes through the gate again.
 */

/** The flow-control settings of one message. */
export interface FlowSettings {
  readonly key: string;
  readonly parallelism: number | null;
  readonly rate: number | null;
  readonly periodMs: number;
}

const PERIOD_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses the two headers; null without a key; throws (a 400) on a value QStash would refuse. */
export function parseFlowControl(key: string | undefined, value: string | undefined): FlowSettings | null {
  if (!key) return null;
  const fields = new Map<string, string>();
  for (const part of (value ?? "").split(",")) {
    const [name, raw] = part.split("=").map((s) => s.trim());
    if (name && raw !== undefined) fields.set(name.toLowerCase(), raw);
  }
  const count = (name: string): number | null => {
    const raw = fields.get(name);
    if (raw === undefined) return null;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`Upstash-Flow-Control-Value: ${name} must be a positive integer, got "${raw}"`);
    return Number(raw);
  };
  const parallelism = count("parallelism");
  const rate = count("rate") ?? count("ratepersecond");
  if (parallelism === null && rate === null) throw new Error("Upstash-Flow-Control-Value needs parallelism or rate");
  const period = fields.get("period") ?? "1s";
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(period);
  if (!m) throw new Error(`Upstash-Flow-Control-Value: bad period "${period}"`);
  return { key, parallelism, rate, periodMs: Number(m[1]) * (PERIOD_UNITS[m[2] ?? "s"] ?? 1000) };
}

interface KeyState {
  active: number;
  waiting: { settings: FlowSettings; start: () => void }[];
  pending: FlowSettings[];
  windowStart: number;
  windowCount: number;
  timer: NodeJS.Timeout | null;
}

/** The gate of every key: acquire before a call, release when its response is in. */
export class FlowGate {
  private readonly keys = new Map<string, KeyState>();
  private readonly maxActive = new Map<string, number>();

  /** Counts a published message against its key (its config joins the key's pending configs). */
  register(settings: FlowSettings): void {
    this.state(settings.key).pending.push(settings);
  }

  /** Resolves when the message may be delivered; the caller must call `release` after the response. */
  acquire(settings: FlowSettings): Promise<void> {
    return new Promise((start) => {
      this.state(settings.key).waiting.push({ settings, start });
      this.pump(settings.key);
    });
  }

  /** One call of the key finished; `done` when the message will not be delivered again. */
  release(settings: FlowSettings, done: boolean): void {
    const s = this.state(settings.key);
    s.active--;
    const at = s.pending.indexOf(settings);
    if (done && at >= 0) s.pending.splice(at, 1);
    this.pump(settings.key);
  }

  /** The most calls ever active at once per key (tests assert flow control held). */
  peaks(): Record<string, number> {
    return Object.fromEntries(this.maxActive);
  }

  /** Messages waiting per key. */
  waitList(): Record<string, number> {
    return Object.fromEntries([...this.keys].map(([k, s]) => [k, s.waiting.length]));
  }

  /** Stops the rate timers and lets every waiter go (shim close: the caller delivers nothing once closed). */
  close(): void {
    for (const s of this.keys.values()) {
      if (s.timer) clearTimeout(s.timer);
      for (const w of s.waiting.splice(0)) w.start();
    }
  }

  private state(key: string): KeyState {
    const known = this.keys.get(key);
    if (known) return known;
    const s: KeyState = { active: 0, waiting: [], pending: [], windowStart: 0, windowCount: 0, timer: null };
    this.keys.set(key, s);
    return s;
  }

  private limits(s: KeyState): { parallelism: number; rate: number; periodMs: number } {
    const all = s.pending.length > 0 ? s.pending : s.waiting.map((w) => w.settings);
    const max = (f: (x: FlowSettings) => number | null) => Math.max(...all.map((x) => f(x) ?? Number.POSITIVE_INFINITY));
    return { parallelism: max((x) => x.parallelism), rate: max((x) => x.rate), periodMs: Math.max(...all.map((x) => x.periodMs)) };
  }

  private pump(key: string): void {
    const s = this.state(key);
    while (s.waiting.length > 0) {
      const { parallelism, rate, periodMs } = this.limits(s);
      if (s.active >= parallelism) return;
      const now = Date.now();
      if (now - s.windowStart >= periodMs) {
        s.windowStart = now;
        s.windowCount = 0;
      }
      if (s.windowCount >= rate) {
        if (!s.timer)
          s.timer = setTimeout(
            () => {
              s.timer = null;
              this.pump(key);
            },
            s.windowStart + periodMs - now,
          );
        return;
      }
      s.windowCount++;
      s.active++;
      this.maxActive.set(key, Math.max(this.maxActive.get(key) ?? 0, s.active));
      s.waiting.shift()!.start();
    }
  }
}
