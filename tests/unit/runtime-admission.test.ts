/** Admission and settlement requests: what the runner asks of the store in its two round trips. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { admitRequest, BROWSER_RESOURCE, DEDUPE_TTL_MS, lockTtlMs, refusalReason, RUN_LEASE_MS, settleRequest } from "../../lib/runtime/admission.js";
import { createCatalog } from "../../lib/jobs/catalog.js";
import { defineJob, type JobDefinition, type Need } from "../../lib/jobs/job.js";
import { loadConfig } from "../../lib/config.js";
import { XbotError, type ErrorCode } from "../../lib/errors.js";
import { BREAKER_POLICIES, LEVEL_WHEN_OPEN } from "../../lib/resilience/policies.js";
import type { AdmitRefusal } from "../../lib/state/store.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const make = (needs: Need[], extra: Partial<JobDefinition> = {}): JobDefinition =>
  defineJob({
    name: "post",
    schedule: "*/10 * * * *",
    maxDurationMs: 60_000,
    needs,
    async run() {
      return {};
    },
    ...extra,
  });

const postJob = make(["db", "state", "browser", "x", "llm"], { budgets: [{ resource: "posts", slots: 1 }] });
const run = { runId: "post_1", nowMs: 1_700_000_000_000 };

describe("settleRequest", () => {
  it("an ok run reports success for every guarded dependency (never `state`), flagging the trials it held", () => {
    const s = settleRequest(postJob, { ...run, trials: ["x"], error: null, heldLock: true });
    expect(s).toMatchObject({ job: "post", runId: "post_1", nowMs: run.nowMs, status: "ok", releaseLock: true, releaseTrials: [] });
    expect(s.outcomes).toEqual([
      { name: "db", ok: true, trial: false, policy: BREAKER_POLICIES.db },
      { name: "browser", ok: true, trial: false, policy: BREAKER_POLICIES.browser },
      { name: "x", ok: true, trial: true, policy: BREAKER_POLICIES.x },
      { name: "llm", ok: true, trial: false, policy: BREAKER_POLICIES.llm },
    ]);
    expect(s.leases).toEqual([BROWSER_RESOURCE, "posts"]);
  });

  it("an ok run with several trials closes each of them", () => {
    const s = settleRequest(postJob, { ...run, trials: ["browser", "llm"], error: null, heldLock: true });
    expect(s.outcomes.filter((o) => o.trial).map((o) => o.name)).toEqual(["browser", "llm"]);
  });

  it("x_automated: one failure outcome for x with a tripping policy (threshold 1, same cool-downs and memory); other trials handed back", () => {
    const s = settleRequest(postJob, { ...run, trials: ["x", "llm"], error: new XbotError("x_automated", "226"), heldLock: true });
    expect(s.status).toBe("failed");
    expect(s.outcomes).toEqual([{ name: "x", ok: false, trial: true, policy: { threshold: 1, cooldownsMs: BREAKER_POLICIES.x.cooldownsMs, memoryMs: BREAKER_POLICIES.x.memoryMs } }]);
    expect(s.releaseTrials).toEqual(["llm"]);
    expect(BREAKER_POLICIES.x.threshold).toBeGreaterThan(1); // the shared policy is not mutated
  });

  it.each(["session_expired", "x_login_wall", "x_challenge", "x_rate_limited"] as ErrorCode[])("%s also trips x at once", (code) => {
    const s = settleRequest(postJob, { ...run, trials: [], error: new XbotError(code, "x"), heldLock: true });
    expect(s.outcomes).toEqual([{ name: "x", ok: false, trial: false, policy: { ...BREAKER_POLICIES.x, threshold: 1 } }]);
  });

  it.each([
    ["llm_unavailable", "llm"],
    ["browser_crashed", "browser"],
    ["page_timeout", "browser"],
    ["db_unavailable", "db"],
    ["page_unexpected", "x"],
    ["session_missing", "x"],
  ] as [ErrorCode, keyof typeof BREAKER_POLICIES][])("%s counts against %s with its normal policy", (code, dependency) => {
    const s = settleRequest(postJob, { ...run, trials: [], error: new XbotError(code, "down"), heldLock: true });
    expect(s.outcomes).toEqual([{ name: dependency, ok: false, trial: false, policy: BREAKER_POLICIES[dependency] }]);
  });

  it.each(["validation", "deadline", "internal", "x_tweet_deleted", "budget_exhausted", "llm_invalid_output", "db_contention", "db_query"] as ErrorCode[])(
    "a non-dependency failure (%s) records no outcome and only hands the trials back",
    (code) => {
      const s = settleRequest(postJob, { ...run, trials: ["x", "browser"], error: new XbotError(code, "bad"), heldLock: true });
      expect(s).toMatchObject({ status: "failed", outcomes: [], releaseTrials: ["x", "browser"] });
    },
  );

  it("a dependency failure on a breaker the run held no trial for hands back every trial", () => {
    const s = settleRequest(postJob, { ...run, trials: ["x"], error: new XbotError("llm_unavailable", "down"), heldLock: true });
    expect(s.outcomes).toEqual([{ name: "llm", ok: false, trial: false, policy: BREAKER_POLICIES.llm }]);
    expect(s.releaseTrials).toEqual(["x"]);
  });

  it("a run that did not hold the lock does not release it", () => {
    expect(settleRequest(postJob, { ...run, trials: [], error: null, heldLock: false }).releaseLock).toBe(false);
  });

  it("heartbeats live at least 7 days, longer for rare jobs (3 x the health window)", () => {
    expect(settleRequest(postJob, { ...run, trials: [], error: null, heldLock: true }).heartbeatTtlMs).toBe(7 * DAY);
    const monthly = make(["state"], { schedule: "0 0 1 * *" });
    expect(settleRequest(monthly, { ...run, trials: [], error: null, heldLock: true }).heartbeatTtlMs).toBe(3 * 3 * 31 * DAY);
  });

  it("a job without guarded needs or leases settles with nothing but heartbeat and lock", () => {
    const s = settleRequest(make(["state"]), { ...run, trials: [], error: null, heldLock: true });
    expect(s).toMatchObject({ outcomes: [], leases: [], releaseTrials: [], releaseLock: true });
  });

  it("property: a trial is never both reported and handed back, and every held trial is one or the other (ok runs report all)", () => {
    const deps = ["db", "browser", "x", "llm"] as const;
    const codes: ErrorCode[] = ["x_automated", "llm_unavailable", "browser_crashed", "validation", "deadline", "db_unavailable", "page_unexpected"];
    fc.assert(
      fc.property(fc.subarray([...deps]), fc.option(fc.constantFrom(...codes), { nil: undefined }), (trials, code) => {
        const s = settleRequest(postJob, { ...run, trials, error: code ? new XbotError(code, "e") : null, heldLock: true });
        const reported = s.outcomes.filter((o) => o.trial).map((o) => o.name);
        for (const t of trials) expect(reported.includes(t) !== s.releaseTrials.includes(t)).toBe(true);
        expect(s.outcomes.every((o) => o.ok === !code)).toBe(true);
        if (code) expect(s.outcomes.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 100 },
    );
  });
});

describe("refusalReason", () => {
  it.each([
    [{ reason: "breaker_open", dependency: "browser", retryAtMs: 5 }, "breaker_open:browser"],
    [{ reason: "breaker_open", dependency: "x", retryAtMs: null }, "breaker_open:x"],
    [{ reason: "dependency_unhealthy", job: "plan" }, "dependency_unhealthy:plan"],
    [{ reason: "budget_exhausted", resource: "browser" }, "budget_exhausted:browser"],
    [{ reason: "degraded", level: 1 }, "degraded:level_1"],
    [{ reason: "degraded", level: 0 }, "degraded:level_0"],
    [{ reason: "locked" }, "locked"],
    [{ reason: "duplicate" }, "duplicate"],
  ] as [AdmitRefusal, string][])("%j -> %s", (refusal, reason) => {
    expect(refusalReason(refusal)).toBe(reason);
  });
});

describe("admitRequest", () => {
  const config = loadConfig({ XBOT_BROWSER_SLOTS: "3" });
  const plan = make(["db", "state"], { name: "plan", schedule: "0 * * * *" });
  const post = make(["db", "state", "browser", "x"], { after: ["plan"], budgets: [{ resource: "posts", slots: 2 }] });
  const catalog = createCatalog([plan, post]);

  it("everything the store decides in one round trip", () => {
    const r = admitRequest(post, catalog, config, { runId: "post_1", nowMs: 42, deliveryId: "msg_1:0" });
    // The lock and leases are granted for RUN_LEASE_MS and renewed by the live run; a trial lasts the whole run.
    const ttl = RUN_LEASE_MS;
    expect(r).toEqual({
      job: "post",
      runId: "post_1",
      nowMs: 42,
      dedupeKey: "post:msg_1:0",
      dedupeTtlMs: DEDUPE_TTL_MS,
      lockTtlMs: ttl,
      trialTtlMs: 60_000 + 15_000,
      breakers: [
        { name: "db", policy: BREAKER_POLICIES.db },
        { name: "browser", policy: BREAKER_POLICIES.browser },
        { name: "x", policy: BREAKER_POLICIES.x },
      ],
      after: [{ job: "plan", maxAgeMs: 3 * HOUR }],
      leases: [
        { resource: BROWSER_RESOURCE, slots: 3, ttlMs: ttl },
        { resource: "posts", slots: 2, ttlMs: ttl },
      ],
      minLevel: 0,
      levels: LEVEL_WHEN_OPEN,
    });
  });

  it("no delivery id: no dedupe key; skipLock only when asked", () => {
    const r = admitRequest(plan, catalog, config, { runId: "plan_1", nowMs: 1 });
    expect(r).not.toHaveProperty("dedupeKey");
    expect(r).not.toHaveProperty("skipLock");
    expect(r.leases).toEqual([]);
    expect(admitRequest(plan, catalog, config, { runId: "plan_1", nowMs: 1, skipLock: true }).skipLock).toBe(true);
  });

  it("lockTtlMs: maxDuration plus a quarter, the extra capped at 30 s", () => {
    expect(lockTtlMs(make(["state"], { maxDurationMs: 10_000 }))).toBe(12_500);
    expect(lockTtlMs(make(["state"], { maxDurationMs: 120_000 }))).toBe(150_000);
    expect(lockTtlMs(make(["state"], { maxDurationMs: 800_000 }))).toBe(830_000);
  });
});
