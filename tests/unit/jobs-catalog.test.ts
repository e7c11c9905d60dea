/** The job dependency graph: validation errors that name the problem, topological order, intervals and health. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createCatalog, expectedIntervalMs, HEALTH_TOLERANCE, jobHealth, maxSuccessAgeMs } from "../../lib/jobs/catalog.js";
import { defineJob, type JobDefinition } from "../../lib/jobs/job.js";
import { XbotError } from "../../lib/errors.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const job = (name: string, after: string[] = [], schedule = "*/5 * * * *"): JobDefinition =>
  defineJob({
    name,
    schedule,
    maxDurationMs: 10_000,
    needs: ["state"],
    after,
    async run() {
      return {};
    },
  });

/** The config_invalid error `fn` throws. */
function configError(fn: () => unknown): XbotError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(XbotError);
    expect((error as XbotError).code).toBe("config_invalid");
    return error as XbotError;
  }
  throw new Error("expected a config_invalid error");
}

describe("createCatalog validation", () => {
  it("a two-job cycle is named a -> b -> a", () => {
    expect(configError(() => createCatalog([job("a", ["b"]), job("b", ["a"])])).message).toBe("job dependency cycle: a -> b -> a");
  });

  it("a self-dependency is named a -> a", () => {
    expect(configError(() => createCatalog([job("a", ["a"])])).message).toBe("job dependency cycle: a -> a");
  });

  it("a longer cycle reached from outside names only the cycle", () => {
    const jobs = [job("entry", ["a"]), job("a", ["b"]), job("b", ["c"]), job("c", ["a"]), job("free")];
    expect(configError(() => createCatalog(jobs)).message).toBe("job dependency cycle: a -> b -> c -> a");
  });

  it("the cycle is named from wherever the walk enters it", () => {
    expect(configError(() => createCatalog([job("b", ["a"]), job("a", ["b"])])).message).toBe("job dependency cycle: b -> a -> b");
  });

  it("an unknown `after` names both jobs", () => {
    expect(configError(() => createCatalog([job("plan"), job("post", ["plan", "ghost"])])).message).toBe('job "post" runs after unknown job "ghost"');
  });

  it("a duplicate name is refused", () => {
    expect(configError(() => createCatalog([job("a"), job("b"), job("a", [], "0 * * * *")])).message).toBe('job "a" is defined twice');
  });

  it.each(["61 * * * *", "banana", "* * * * * * * *", "", "*/0 * * * *"])("an invalid cron %j is refused naming the job and the schedule", (schedule) => {
    const error = configError(() => createCatalog([job("plan"), job("bad", [], schedule)]));
    expect(error.message).toContain(`job "bad" has an invalid schedule "${schedule}"`);
  });

  it("a valid catalog exposes its jobs and looks them up by name", () => {
    const jobs = [job("a"), job("b", ["a"])];
    const catalog = createCatalog(jobs);
    expect(catalog.jobs).toBe(jobs);
    expect(catalog.get("b")).toBe(jobs[1]);
    expect(catalog.get("nope")).toBeUndefined();
    expect(catalog.get("__proto__")).toBeUndefined();
    expect(catalog.get("constructor")).toBeUndefined();
  });
});

describe("topological order", () => {
  it("dependencies come first, whatever the listing order", () => {
    expect(createCatalog([job("c", ["b"]), job("b", ["a"]), job("a")]).order).toEqual(["a", "b", "c"]);
  });

  it("a diamond: the shared dependency once, before both branches, the join last", () => {
    const order = createCatalog([job("join", ["left", "right"]), job("left", ["root"]), job("right", ["root"]), job("root")]).order;
    expect(order).toEqual(["root", "left", "right", "join"]);
  });

  it("independent jobs keep their listing order", () => {
    expect(createCatalog([job("z"), job("m"), job("a")]).order).toEqual(["z", "m", "a"]);
  });

  it("property: for any DAG, the order is a permutation where every dependency precedes its dependents", () => {
    const dag = fc
      .integer({ min: 1, max: 12 })
      .chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.array(fc.array(fc.boolean(), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }),
          fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
        ),
      );
    fc.assert(
      fc.property(dag, ([n, edges, listing]) => {
        // job i may run after job j only when j < i: acyclic by construction
        const depsOf = (i: number) => [...Array(i).keys()].filter((j) => edges[i]![j]).map((j) => `j${j}`);
        const jobs = listing.map((i) => job(`j${i}`, depsOf(i)));
        const order = createCatalog(jobs).order;
        expect([...order].sort()).toEqual([...Array(n).keys()].map((i) => `j${i}`).sort());
        for (let i = 0; i < n; i++) for (const dep of depsOf(i)) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(`j${i}`));
      }),
      { numRuns: 60 },
    );
  });

  it("property: closing any path of a DAG into a loop is refused as a cycle naming that loop", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), (n) => {
        const jobs = [...Array(n).keys()].map((i) => job(`j${i}`, i === 0 ? [`j${n - 1}`] : [`j${i - 1}`]));
        const message = configError(() => createCatalog(jobs)).message;
        const names = message.replace("job dependency cycle: ", "").split(" -> ");
        expect(names[0]).toBe(names.at(-1));
        expect(new Set(names).size).toBe(n);
      }),
      { numRuns: 20 },
    );
  });
});

describe("intervals and health", () => {
  it.each([
    ["*/10 * * * *", 10 * MINUTE],
    ["*/5 * * * *", 5 * MINUTE],
    ["0 * * * *", HOUR],
    ["17 */6 * * *", 6 * HOUR],
    ["0 9,13,19 * * *", 14 * HOUR], // 19:00 -> 09:00 next day, not the 4 h or 6 h gaps
    ["0 9 * * 1-5", 72 * HOUR], // Friday -> Monday
    ["30 2 * * 0", 7 * 24 * HOUR],
    ["0 0 1 * *", 31 * 24 * HOUR],
  ] as [string, number][])("expectedIntervalMs(%j) is the longest gap: %d ms", (schedule, ms) => {
    expect(expectedIntervalMs({ name: "x", schedule })).toBe(ms);
  });

  it("expectedIntervalMs is computed in UTC from a fixed start and memoised per schedule", () => {
    const first = expectedIntervalMs({ name: "x", schedule: "0 9,13,19 * * *" });
    expect(first).toBe(14 * HOUR);
    expect(expectedIntervalMs({ name: "other", schedule: "0 9,13,19 * * *" })).toBe(first);
  });

  it("maxSuccessAgeMs is the interval times the tolerance", () => {
    expect(HEALTH_TOLERANCE).toBe(3);
    expect(maxSuccessAgeMs({ name: "x", schedule: "*/10 * * * *" })).toBe(30 * MINUTE);
  });

  it("jobHealth: never succeeded is unhealthy; healthy up to and including the limit; unhealthy one ms later", () => {
    const j = job("plan", [], "0 * * * *");
    const now = Date.UTC(2026, 5, 1, 12);
    const max = 3 * HOUR;
    expect(jobHealth(j, null, now)).toEqual({ healthy: false, ageMs: null, maxAgeMs: max });
    expect(jobHealth(j, now - max, now)).toEqual({ healthy: true, ageMs: max, maxAgeMs: max });
    expect(jobHealth(j, now - max - 1, now)).toEqual({ healthy: false, ageMs: max + 1, maxAgeMs: max });
    expect(jobHealth(j, now, now).healthy).toBe(true);
  });
});
