/**
 * One StateStore contract, run against every implementation: Redis (real @upstash/redis
 * client -> REST shim -> real Redis), Postgres (Neon driver -> HTTP shim -> real Postgres)
 * and embedded PGlite. Concurrency properties are checked with real parallel requests.
 */
import { afterAll, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { breakerPhase, type BreakerPolicy } from "../../lib/state/breaker.js";
import type { AdmitRequest, StateStore } from "../../lib/state/store.js";
import { cleanupStores, storeTargets } from "../support/stores.js";

const policy: BreakerPolicy = { threshold: 3, cooldownsMs: [1_000, 4_000, 16_000] };
const count = <T>(xs: T[], f: (x: T) => boolean) => xs.filter(f).length;
const times = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));

afterAll(cleanupStores);

describe.each(storeTargets())("StateStore contract: $name", (target) => {
  const store = (): Promise<StateStore> => target.create();
  if (!target.available) it.skip(`${target.name} is not available`, () => {});
  else {
    it("locks: one owner at a time, released and extended only by the owner", async () => {
      const s = await store();
      expect(await s.acquireLock("job", "a", 5_000)).toBe(true);
      expect(await s.acquireLock("job", "b", 5_000)).toBe(false);
      expect(await s.releaseLock("job", "b")).toBe(false);
      expect(await s.extendLock("job", "b", 5_000)).toBe(false);
      expect(await s.extendLock("job", "a", 5_000)).toBe(true);
      expect(await s.releaseLock("job", "a")).toBe(true);
      expect(await s.acquireLock("job", "b", 5_000)).toBe(true);
    });

    it("50 concurrent lock attempts give exactly one winner", async () => {
      const s = await store();
      const results = await times(50, (i) => s.acquireLock("hot", `owner-${i}`, 10_000));
      expect(count(results, (r) => r)).toBe(1);
    });

    it("an expired lock is free again", async () => {
      const s = await store();
      expect(await s.acquireLock("short", "a", 200)).toBe(true);
      await sleep(350);
      expect(await s.acquireLock("short", "b", 5_000)).toBe(true);
    });

    it("3N concurrent lease requests for N slots grant exactly N", async () => {
      const s = await store();
      const results = await times(12, (i) => s.acquireLease("browser", `run-${i}`, 4, 10_000));
      expect(count(results, (r) => r.success)).toBe(4);
      expect(await s.countLeases("browser")).toBe(4);
      const holder = `run-${results.findIndex((r) => r.success)}`;
      expect((await s.acquireLease("browser", holder, 4, 10_000)).success).toBe(true);
      expect(await s.countLeases("browser")).toBe(4);
      await s.releaseLease("browser", holder);
      expect(await s.countLeases("browser")).toBe(3);
      expect((await s.acquireLease("browser", "late", 4, 10_000)).success).toBe(true);
    });

    it("expiry frees lease slots", async () => {
      const s = await store();
      expect((await s.acquireLease("llm", "a", 1, 200)).success).toBe(true);
      expect((await s.acquireLease("llm", "b", 1, 5_000)).success).toBe(false);
      await sleep(350);
      expect(await s.countLeases("llm")).toBe(0);
      expect((await s.acquireLease("llm", "b", 1, 5_000)).success).toBe(true);
    });

    it("a breaker opens after N consecutive failures, and a success in between resets the count", async () => {
      const s = await store();
      const now = 1_000_000;
      await s.recordBreakerOutcome("x", { ok: false, trial: false }, policy, now);
      await s.recordBreakerOutcome("x", { ok: false, trial: false }, policy, now);
      await s.recordBreakerOutcome("x", { ok: true, trial: false }, policy, now);
      await s.recordBreakerOutcome("x", { ok: false, trial: false }, policy, now);
      expect((await s.readBreaker("x")).state).toBe("closed");
      await s.recordBreakerOutcome("x", { ok: false, trial: false }, policy, now);
      const opened = await s.recordBreakerOutcome("x", { ok: false, trial: false }, policy, now);
      expect(opened).toMatchObject({ state: "open", opens: 1, openedAtMs: now, retryAtMs: now + 1_000 });
      expect(breakerPhase(opened, now + 999)).toBe("open");
      expect(breakerPhase(opened, now + 1_000)).toBe("half_open");
      expect(await s.acquireBreakerTrial("x", "early", now + 500, 5_000)).toMatchObject({ success: false, reason: "open" });
    });

    it("half-open admits exactly one trial out of 20 concurrent callers; a failed trial reopens for longer", async () => {
      const s = await store();
      const now = 2_000_000;
      for (let i = 0; i < 3; i++) await s.recordBreakerOutcome("b", { ok: false, trial: false }, policy, now);
      const later = now + 1_000;
      const decisions = await times(20, (i) => s.acquireBreakerTrial("b", `caller-${i}`, later, 5_000));
      expect(count(decisions, (d) => d.trial)).toBe(1);
      expect(count(decisions, (d) => d.reason === "trial_in_progress")).toBe(19);
      const reopened = await s.recordBreakerOutcome("b", { ok: false, trial: true }, policy, later);
      expect(reopened).toMatchObject({ state: "open", opens: 2, retryAtMs: later + 4_000 });
      const second = await times(20, (i) => s.acquireBreakerTrial("b", `again-${i}`, later + 4_000, 5_000));
      expect(count(second, (d) => d.trial)).toBe(1);
      expect(await s.recordBreakerOutcome("b", { ok: true, trial: true }, policy, later + 4_000)).toEqual({ state: "closed", failures: 0, opens: 0 });
      expect(await s.acquireBreakerTrial("b", "after", later + 4_001, 5_000)).toMatchObject({ success: true, trial: false });
    });

    it("with memoryMs, a closed breaker remembers its escalation until the window passes; reset forgets", async () => {
      const s = await store();
      const remembering: BreakerPolicy = { threshold: 1, cooldownsMs: [1_000, 4_000, 16_000], memoryMs: 60_000 };
      const t0 = 3_000_000;
      expect(await s.recordBreakerOutcome("m", { ok: false, trial: false }, remembering, t0)).toMatchObject({ state: "open", opens: 1, retryAtMs: t0 + 1_000 });
      const closed = await s.recordBreakerOutcome("m", { ok: true, trial: true }, remembering, t0 + 1_000);
      expect(closed).toEqual({ state: "closed", failures: 0, opens: 1, lastOpenedAtMs: t0 });
      expect(breakerPhase(closed, t0 + 1_000)).toBe("closed");
      expect(await s.acquireBreakerTrial("m", "a", t0 + 1_001, 5_000)).toMatchObject({ success: true, trial: false });
      // Within the window: the next opening continues the list (4 s), and a closing keeps counting.
      const second = await s.recordBreakerOutcome("m", { ok: false, trial: false }, remembering, t0 + 30_000);
      expect(second).toMatchObject({ state: "open", opens: 2, openedAtMs: t0 + 30_000, retryAtMs: t0 + 34_000 });
      expect(await s.recordBreakerOutcome("m", { ok: true, trial: true }, remembering, t0 + 34_000)).toEqual({ state: "closed", failures: 0, opens: 2, lastOpenedAtMs: t0 + 30_000 });
      // A failure below the threshold keeps the memory too (threshold 2 here).
      const below = await s.recordBreakerOutcome("m", { ok: false, trial: false }, { ...remembering, threshold: 2 }, t0 + 40_000);
      expect(below).toEqual({ state: "closed", failures: 1, opens: 2, lastOpenedAtMs: t0 + 30_000 });
      expect(await s.recordBreakerOutcome("m", { ok: false, trial: false }, { ...remembering, threshold: 2 }, t0 + 41_000)).toMatchObject({ state: "open", opens: 3, retryAtMs: t0 + 41_000 + 16_000 });
      await s.recordBreakerOutcome("m", { ok: true, trial: true }, remembering, t0 + 57_000);
      // Past the window (60 s after the last opening): back to the first cool-down.
      expect(await s.recordBreakerOutcome("m", { ok: false, trial: false }, remembering, t0 + 41_000 + 60_000)).toMatchObject({ state: "open", opens: 1, retryAtMs: t0 + 101_000 + 1_000 });
      await s.resetBreaker("m");
      expect(await s.readBreaker("m")).toEqual({ state: "closed", failures: 0, opens: 0 });
    });

    it("isolate holds a breaker open until reset, and list shows it", async () => {
      const s = await store();
      await s.isolateBreaker("db", 5);
      expect(await s.acquireBreakerTrial("db", "a", Number.MAX_SAFE_INTEGER, 5_000)).toMatchObject({ success: false, reason: "isolated" });
      expect(Object.keys(await s.listBreakers())).toEqual(["db"]);
      await s.resetBreaker("db");
      expect((await s.readBreaker("db")).state).toBe("closed");
    });

    it("counters stay exact under 100 concurrent increments and reset after their window", async () => {
      const s = await store();
      await times(100, () => s.incrementCounter("posts", 1, 400));
      expect(await s.readCounter("posts")).toBe(100);
      await sleep(550);
      expect(await s.readCounter("posts")).toBe(0);
      expect(await s.incrementCounter("posts", 2, 10_000)).toBe(2);
    });

    it("a reserved counter never passes its cap under 50 concurrent reservations, and resets after its window", async () => {
      const s = await store();
      const results = await times(50, () => s.reserveCounter("usd", 7, 100, 60_000));
      expect(count(results, (r) => r.granted)).toBe(14);
      expect(await s.readCounter("usd")).toBe(98);
      expect(await s.reserveCounter("usd", 3, 100, 60_000)).toEqual({ granted: false, total: 98 });
      expect(await s.reserveCounter("usd", 2, 100, 60_000)).toEqual({ granted: true, total: 100 });
      expect(await s.reserveCounter("big", 101, 100, 60_000)).toEqual({ granted: false, total: 0 });
      expect(await s.reserveCounter("short", 90, 100, 400)).toEqual({ granted: true, total: 90 });
      expect((await s.reserveCounter("short", 20, 100, 400)).granted).toBe(false);
      await sleep(550);
      expect(await s.reserveCounter("short", 100, 100, 400)).toEqual({ granted: true, total: 100 });
    });

    it("a once-only key is claimed by exactly one of 30 concurrent deliveries, then again after its TTL", async () => {
      const s = await store();
      const results = await times(30, () => s.claimOnce("msg-1", 300));
      expect(count(results, (r) => r)).toBe(1);
      await sleep(450);
      expect(await s.claimOnce("msg-1", 300)).toBe(true);
    });

    it("values are stored, replaced, read back, deleted, and expire after their TTL", async () => {
      const s = await store();
      expect(await s.readValue("me")).toBeNull();
      await s.putValue("me", { id: "1", username: "a" }, 60_000);
      await s.putValue("me", { id: "2", username: "b" }, 60_000);
      expect(await s.readValue("me")).toEqual({ id: "2", username: "b" });
      await s.deleteValue("me");
      expect(await s.readValue("me")).toBeNull();
      await s.putValue("short", { n: 1 }, 200);
      expect(await s.readValue("short")).toEqual({ n: 1 });
      await sleep(350);
      expect(await s.readValue("short")).toBeNull();
    });

    it("heartbeats are written and read back, and expire", async () => {
      const s = await store();
      await s.setHeartbeat("plan", { at: 1, lastSuccessAt: 1, status: "ok" }, 60_000);
      await s.setHeartbeat("post", { at: 2, lastSuccessAt: null, status: "failed" }, 200);
      expect(await s.readHeartbeats()).toEqual({ plan: { at: 1, lastSuccessAt: 1, status: "ok" }, post: { at: 2, lastSuccessAt: null, status: "failed" } });
      await sleep(350);
      expect(Object.keys(await s.readHeartbeats())).toEqual(["plan"]);
    });

    describe("admission and settlement", () => {
      const request = (over: Partial<AdmitRequest> = {}): AdmitRequest => ({
        job: "post",
        runId: `run-${Math.random()}`,
        nowMs: Date.now(),
        dedupeTtlMs: 60_000,
        lockTtlMs: 10_000,
        breakers: [{ name: "browser", policy }],
        after: [],
        leases: [{ resource: "browser", slots: 1, ttlMs: 10_000 }],
        minLevel: 0,
        levels: { db: 0, browser: 1, llm: 2 },
        ...over,
      });

      it("20 concurrent admissions of one job: exactly one wins, the rest are locked", async () => {
        const s = await store();
        const decisions = await times(20, () => s.admit(request()));
        expect(count(decisions, (d) => d.success)).toBe(1);
        expect(count(decisions, (d) => !d.success && d.reason === "locked")).toBe(19);
      });

      it("a repeated delivery id is a duplicate", async () => {
        const s = await store();
        const decisions = await times(10, (i) => s.admit(request({ dedupeKey: "exec-1", job: `j${i}` })));
        expect(count(decisions, (d) => d.success)).toBe(1);
        expect(count(decisions, (d) => !d.success && d.reason === "duplicate")).toBe(9);
      });

      it("refusals hold nothing: a lease shortage releases the lock it took", async () => {
        const s = await store();
        await s.acquireLease("browser", "someone", 1, 10_000);
        expect(await s.admit(request())).toEqual({ success: false, reason: "budget_exhausted", resource: "browser" });
        await s.releaseLease("browser", "someone");
        expect((await s.admit(request())).success).toBe(true);
      });

      it("an unhealthy or missing `after` job refuses with its name", async () => {
        const s = await store();
        const now = Date.now();
        expect(await s.admit(request({ after: [{ job: "plan", maxAgeMs: 60_000 }] }))).toEqual({ success: false, reason: "dependency_unhealthy", job: "plan" });
        await s.setHeartbeat("plan", { at: now - 120_000, lastSuccessAt: now - 120_000, status: "ok" }, 600_000);
        expect(await s.admit(request({ after: [{ job: "plan", maxAgeMs: 60_000 }] }))).toMatchObject({ reason: "dependency_unhealthy" });
        await s.setHeartbeat("plan", { at: now, lastSuccessAt: now - 1_000, status: "ok" }, 600_000);
        expect((await s.admit(request({ after: [{ job: "plan", maxAgeMs: 60_000 }] }))).success).toBe(true);
      });

      it("an open breaker refuses; once cooled exactly one of 20 concurrent runs gets the trial", async () => {
        const s = await store();
        const now = Date.now();
        for (let i = 0; i < 3; i++) await s.recordBreakerOutcome("browser", { ok: false, trial: false }, policy, now);
        expect(await s.admit(request({ nowMs: now + 10 }))).toMatchObject({ success: false, reason: "breaker_open", dependency: "browser", retryAtMs: now + 1_000 });
        const cooled = now + 1_000;
        const decisions = await times(20, (i) => s.admit(request({ job: `job-${i}`, nowMs: cooled, leases: [] })));
        const winners = decisions.filter((d) => d.success);
        expect(winners).toHaveLength(1);
        expect(winners[0]).toMatchObject({ trials: ["browser"] });
      });

      it("refuses as degraded when an open breaker lowers the service level below the job's minimum", async () => {
        const s = await store();
        const now = Date.now();
        for (let i = 0; i < 3; i++) await s.recordBreakerOutcome("llm", { ok: false, trial: false }, policy, now);
        const job = { breakers: [], leases: [] };
        expect(await s.admit(request({ ...job, minLevel: 3 }))).toEqual({ success: false, reason: "degraded", level: 2 });
        expect((await s.admit(request({ ...job, job: "other", minLevel: 2 }))).success).toBe(true);
        await s.isolateBreaker("db", now);
        expect(await s.admit(request({ ...job, job: "third", minLevel: 1 }))).toEqual({ success: false, reason: "degraded", level: 0 });
      });

      it("settle hands back an unexercised half-open trial without a transition", async () => {
        const s = await store();
        const now = Date.now();
        for (let i = 0; i < 3; i++) await s.recordBreakerOutcome("browser", { ok: false, trial: false }, policy, now);
        const req = request({ nowMs: now + 1_000, leases: [] });
        expect(await s.admit(req)).toMatchObject({ success: true, trials: ["browser"] });
        expect((await s.admit(request({ job: "b", nowMs: now + 1_000, leases: [] }))).success).toBe(false);
        await s.settle({ job: "post", runId: req.runId, nowMs: now + 1_000, status: "failed", releaseLock: true, leases: [], heartbeatTtlMs: 60_000, releaseTrials: ["browser"], outcomes: [] });
        expect(await s.readBreaker("browser")).toMatchObject({ state: "open", opens: 1 });
        expect(await s.admit(request({ job: "c", nowMs: now + 1_000, leases: [] }))).toMatchObject({ success: true, trials: ["browser"] });
      });

      it("settle releases lock and leases, writes the heartbeat and records breaker outcomes", async () => {
        const s = await store();
        const req = request();
        expect((await s.admit(req)).success).toBe(true);
        expect(await s.countLeases("browser")).toBe(1);
        await s.settle({
          job: "post",
          runId: req.runId,
          nowMs: req.nowMs,
          status: "failed",
          releaseLock: true,
          leases: ["browser"],
          heartbeatTtlMs: 60_000,
          releaseTrials: [],
          outcomes: [{ name: "browser", ok: false, trial: false, policy }],
        });
        expect(await s.countLeases("browser")).toBe(0);
        expect(await s.acquireLock("post", "other", 1_000)).toBe(true);
        expect((await s.readBreaker("browser")).failures).toBe(1);
        expect((await s.readHeartbeats()).post).toEqual({ at: req.nowMs, lastSuccessAt: null, status: "failed" });
        await s.settle({ job: "post", runId: "r2", nowMs: req.nowMs + 5, status: "ok", releaseLock: false, leases: [], heartbeatTtlMs: 60_000, releaseTrials: [], outcomes: [] });
        await s.settle({ job: "post", runId: "r3", nowMs: req.nowMs + 9, status: "failed", releaseLock: false, leases: [], heartbeatTtlMs: 60_000, releaseTrials: [], outcomes: [] });
        expect((await s.readHeartbeats()).post).toEqual({ at: req.nowMs + 9, lastSuccessAt: req.nowMs + 5, status: "failed" });
      });
    });
  }
});
