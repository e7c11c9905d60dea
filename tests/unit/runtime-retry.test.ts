/** retry(): only retryable errors, never past the deadline, decorrelated-jitter delays within [base, cap]. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { nextDelay, retry } from "../../lib/resilience/retry.js";
import { XbotError, type ErrorCode } from "../../lib/errors.js";

const far = () => Date.now() + 60_000;

/** A function failing with `codes` in turn (then succeeding), recording when each attempt started. */
function failing(codes: (ErrorCode | Error)[], value = "done") {
  const starts: number[] = [];
  const attempts: number[] = [];
  const fn = async (attempt: number) => {
    starts.push(performance.now());
    attempts.push(attempt);
    const next = codes[attempts.length - 1];
    if (next === undefined) return value;
    throw next instanceof Error ? next : new XbotError(next, `attempt ${attempt}: ${next}`);
  };
  return { fn, starts, attempts };
}

async function rejection(promise: Promise<unknown>): Promise<XbotError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(XbotError);
    return error as XbotError;
  }
  throw new Error("expected a rejection");
}

describe("retry: which errors", () => {
  it.each(["validation", "x_automated", "session_expired", "deadline", "db_query", "budget_exhausted", "page_unexpected"] as ErrorCode[])(
    "a non-retryable %s is thrown after ONE attempt",
    async (code) => {
      const { fn, attempts } = failing([code, code, code]);
      const error = await rejection(retry(fn, { attempts: 5, baseMs: 1, capMs: 2, deadlineAt: far() }));
      expect(error.code).toBe(code);
      expect(attempts).toEqual([1]);
    },
  );

  it("a plain Error becomes a non-retryable internal XbotError, with the original as cause", async () => {
    const original = new TypeError("boom");
    const { fn, attempts } = failing([original]);
    const error = await rejection(retry(fn, { attempts: 5, baseMs: 1, capMs: 2, deadlineAt: far() }));
    expect(error).toMatchObject({ code: "internal", message: "boom" });
    expect(error.cause).toBe(original);
    expect(attempts).toEqual([1]);
  });

  it.each(["llm_unavailable", "db_unavailable", "state_unavailable", "browser_crashed", "page_timeout", "db_contention", "llm_invalid_output"] as ErrorCode[])(
    "a retryable %s is retried until it succeeds",
    async (code) => {
      const { fn, attempts } = failing([code, code]);
      expect(await retry(fn, { attempts: 5, baseMs: 1, capMs: 2, deadlineAt: far() })).toBe("done");
      expect(attempts).toEqual([1, 2, 3]);
    },
  );

  it("retryable errors stop at `attempts`; the LAST error is thrown", async () => {
    const { fn, attempts } = failing(["llm_unavailable", "db_unavailable", "page_timeout", "browser_crashed"]);
    const error = await rejection(retry(fn, { attempts: 3, baseMs: 1, capMs: 2, deadlineAt: far() }));
    expect(error.code).toBe("page_timeout");
    expect(attempts).toEqual([1, 2, 3]);
  });

  it("attempts: 1 never retries", async () => {
    const { fn, attempts } = failing(["llm_unavailable"]);
    await rejection(retry(fn, { attempts: 1, baseMs: 1, capMs: 2, deadlineAt: far() }));
    expect(attempts).toEqual([1]);
  });

  it("a retryable error followed by a non-retryable one stops there", async () => {
    const { fn, attempts } = failing(["llm_unavailable", "validation", "llm_unavailable"]);
    expect((await rejection(retry(fn, { attempts: 10, baseMs: 1, capMs: 2, deadlineAt: far() }))).code).toBe("validation");
    expect(attempts).toEqual([1, 2]);
  });
});

describe("retry: the deadline", () => {
  it("no retry when the next delay would reach the deadline", async () => {
    const { fn, attempts } = failing(["llm_unavailable"]);
    const t0 = Date.now();
    await rejection(retry(fn, { attempts: 5, baseMs: 1_000, capMs: 5_000, deadlineAt: t0 + 500 }));
    expect(attempts).toEqual([1]);
    expect(Date.now() - t0).toBeLessThan(400);
  });

  it("a deadline already past: one attempt, no retry", async () => {
    const { fn, attempts } = failing(["llm_unavailable"]);
    await rejection(retry(fn, { attempts: 5, baseMs: 1, capMs: 1, deadlineAt: Date.now() - 1 }));
    expect(attempts).toEqual([1]);
  });

  it("with a simulated clock: every attempt starts before the deadline, and it stops when the next wait would reach it", async () => {
    let clock = 0;
    const starts: number[] = [];
    const error = await rejection(
      retry(
        async () => {
          starts.push(clock);
          clock += 30; // each attempt takes 30 simulated ms; the real back-off sleeps are 1-2 ms
          throw new XbotError("llm_unavailable", "down");
        },
        { attempts: 100, baseMs: 1, capMs: 2, deadlineAt: 100, now: () => clock },
      ),
    );
    expect(error.code).toBe("llm_unavailable");
    // 0-30, 30-60, 60-90 (+ <=2 ms wait < 100), 90-120: 120 + wait >= 100 -> give up
    expect(starts).toEqual([0, 30, 60, 90]);
  });

  it("an attempt never starts after the deadline, even when the back-off sleep overshoots", async () => {
    let clock = 0;
    const starts: number[] = [];
    await rejection(
      retry(
        async () => {
          starts.push(clock);
          if (starts.length === 1) setTimeout(() => (clock = 500), 1); // the process stalls during the sleep
          throw new XbotError("llm_unavailable", "down");
        },
        { attempts: 5, baseMs: 20, capMs: 20, deadlineAt: 100, now: () => clock },
      ),
    );
    expect(starts.every((t) => t < 100)).toBe(true);
  });

  it("an aborted signal stops retrying", async () => {
    const controller = new AbortController();
    const { fn, attempts } = failing(["llm_unavailable", "llm_unavailable", "llm_unavailable"]);
    const wrapped = async (attempt: number) => {
      if (attempt === 2) controller.abort();
      return fn(attempt);
    };
    await rejection(retry(wrapped, { attempts: 10, baseMs: 1, capMs: 2, deadlineAt: far(), signal: controller.signal }));
    expect(attempts).toEqual([1, 2]);
  });

  it("a signal that fires DURING the back-off sleep starts no further attempt", async () => {
    const controller = new AbortController();
    const { fn, attempts } = failing(Array<ErrorCode>(10).fill("llm_unavailable"));
    setTimeout(() => controller.abort(), 50);
    await rejection(retry(fn, { attempts: 10, baseMs: 1_000, capMs: 1_000, deadlineAt: far(), signal: controller.signal }));
    expect(attempts).toEqual([1]);
  });
});

describe("retry: delays", () => {
  it("property: nextDelay is within [base, cap] and at most 3x the previous delay (decorrelated jitter)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (base, extra, previous, r) => {
          const cap = base + extra;
          const d = nextDelay(previous, base, cap, () => r);
          expect(d).toBeGreaterThanOrEqual(base);
          expect(d).toBeLessThanOrEqual(cap);
          expect(d).toBeLessThanOrEqual(Math.max(base, previous * 3));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("random() = 0 always waits base; random() -> 1 grows x3 per retry until the cap", () => {
    expect(nextDelay(5_000, 100, 10_000, () => 0)).toBe(100);
    const grow: number[] = [];
    let d = 100;
    for (let i = 0; i < 6; i++) {
      d = nextDelay(d, 100, 10_000, () => 1);
      grow.push(d);
    }
    expect(grow).toEqual([300, 900, 2_700, 8_100, 10_000, 10_000]);
  });

  it("growth is decorrelated: the bound follows the previous ACTUAL delay, not the attempt number", () => {
    // a short delay (random 0) resets the window: the next one is at most 3 x base again
    const afterShort = nextDelay(
      nextDelay(8_100, 100, 10_000, () => 0),
      100,
      10_000,
      () => 1,
    );
    expect(afterShort).toBe(300);
  });

  it("the waits between attempts are the jittered delays, within [base, cap]", async () => {
    const randoms = [1, 1, 1, 0, 1];
    let i = 0;
    const { fn, starts } = failing(Array<ErrorCode>(5).fill("db_unavailable"));
    await retry(fn, { attempts: 6, baseMs: 10, capMs: 50, deadlineAt: far(), random: () => randoms[i++]! });
    const gaps = starts.slice(1).map((t, k) => t - starts[k]!);
    // expected: min(50, 10 + r * (max(10, prev*3) - 10)) -> 30, 50, 50, 10, 30
    const expected = [30, 50, 50, 10, 30];
    gaps.forEach((gap, k) => {
      expect(gap).toBeGreaterThanOrEqual(expected[k]! - 1);
      expect(gap).toBeLessThan(expected[k]! + 250); // loose: timers fire late on a loaded machine, never early
    });
  });
});
