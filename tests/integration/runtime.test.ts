/**
 * The job runtime on real Redis and real Postgres: duplicate deliveries, breakers across
 * separate processes, `after` health, crash safety, deadlines, and the HTTP surface.
 */
import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { jobRoute } from "../../lib/runtime/http/job-route.js";
import { runJob } from "../../lib/runtime/runner.js";
import { recentRuns } from "../../lib/db/runs.js";
import { BREAKER_POLICIES } from "../../lib/resilience/policies.js";
import { availableStores, testRuntime, TEST_SECRETS } from "../support/runtime.js";
import { runChild, runWave } from "../support/child.js";
import { allTestJobs } from "../support/test-jobs.js";

const jobs = allTestJobs();
const cron = (job: string, headers: Record<string, string> = {}) =>
  new Request(`http://xbot.test/api/jobs/${job}`, { method: "GET", headers: { authorization: `Bearer ${TEST_SECRETS.cron}`, ...headers } });

describe.each(availableStores())("runtime on %s", (store) => {
  it("20 concurrent deliveries of one cron tick: exactly one runs, the rest are skipped as locked or duplicate", async () => {
    const rt = await testRuntime(store, { jobs });
    const { GET } = jobRoute("slow", rt.factory);
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => GET(cron("slow", i % 2 ? { "x-vercel-schedule-execution-id": "exec-42" } : {}))));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ status: string; reason?: string }>));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(bodies.filter((b) => b.status === "ok")).toHaveLength(1);
    expect(bodies.filter((b) => b.status === "skipped" && (b.reason === "locked" || b.reason === "duplicate"))).toHaveLength(19);
    const deps = await rt.factory();
    const runs = await recentRuns(deps.clients.sql, { job: "slow" });
    expect(runs.filter((r) => r.status === "ok")).toHaveLength(1);
    expect(runs).toHaveLength(20);
  });

  it("breaker across processes: opens after N failures, one half-open trial of 10, success closes, failed trial reopens longer", async () => {
    const rt = await testRuntime(store, { jobs });
    const deps = await rt.factory();
    const { threshold, cooldownsMs } = BREAKER_POLICIES.llm;
    for (let i = 0; i < threshold; i++) expect((await runChild(rt.env, "llm", { fail: true }).result)?.errorCode).toBe("llm_unavailable");
    const opened = await deps.clients.state.readBreaker("llm");
    expect(opened).toMatchObject({ state: "open", opens: 1 });
    expect(await runChild(rt.env, "llm").result).toMatchObject({ status: "skipped", reason: "breaker_open:llm" });

    const cooled = cooldownsMs[0]! + 1_000;
    const wave = await runWave(10, (i, barrier) => runChild(rt.env, `llm-${i}`, { fail: true }, cooled, barrier));
    expect(wave.filter((r) => r?.status === "failed")).toHaveLength(1);
    expect(wave.filter((r) => r?.status === "skipped" && r.reason === "breaker_open:llm")).toHaveLength(9);
    const reopened = await deps.clients.state.readBreaker("llm");
    expect(reopened).toMatchObject({ state: "open", opens: 2 });
    if (reopened.state !== "open") throw new Error("unreachable");
    expect(reopened.retryAtMs - reopened.openedAtMs).toBe(cooldownsMs[1]);

    const later = cooled + cooldownsMs[1]! + 1_000;
    const second = await runWave(10, (i, barrier) => runChild(rt.env, `llm-${i}`, {}, later, barrier));
    expect(second.filter((r) => r?.status === "ok")).toHaveLength(1);
    expect(second.filter((r) => r?.status === "skipped" && r.reason === "breaker_open:llm")).toHaveLength(9);
    expect(await deps.clients.state.readBreaker("llm")).toEqual({ state: "closed", failures: 0, opens: 0 });
  }, 120_000);

  it("a validation error never counts toward a breaker", async () => {
    const rt = await testRuntime(store, { jobs });
    const deps = await rt.factory();
    for (let i = 0; i < 5; i++) expect((await runJob(deps, { job: "invalid", trigger: "manual" })).errorCode).toBe("validation");
    expect(await deps.clients.state.listBreakers()).toEqual({});
  });

  it("a job whose `after` dependency is unhealthy is skipped with the reason", async () => {
    const rt = await testRuntime(store, { jobs });
    const deps = await rt.factory();
    expect(await runJob(deps, { job: "downstream", trigger: "cron" })).toMatchObject({ status: "skipped", reason: "dependency_unhealthy:upstream" });
    expect((await runJob(deps, { job: "upstream", trigger: "cron" })).status).toBe("ok");
    expect((await runJob(deps, { job: "downstream", trigger: "cron" })).status).toBe("ok");
  });

  it("a SIGKILLed invocation leaves no lock or lease once its TTL has passed", async () => {
    const rt = await testRuntime(store, { jobs });
    const deps = await rt.factory();
    const child = runChild(rt.env, "hang");
    await child.ready;
    await waitFor(async () => (await deps.clients.state.countLeases("slot")) === 1);
    expect(await deps.clients.state.acquireLock("hang", "someone-else", 1_000)).toBe(false);
    child.process.kill("SIGKILL");
    expect(await child.result).toBeNull();
    await sleep(2_000 + 500 + 300);
    expect(await deps.clients.state.countLeases("slot")).toBe(0);
    expect(await deps.clients.state.acquireLock("hang", "someone-else", 1_000)).toBe(true);
  }, 30_000);

  it("the deadline aborts a job and the run is recorded as failed with code deadline", async () => {
    const rt = await testRuntime(store, { jobs });
    const deps = await rt.factory();
    const result = await runJob(deps, { job: "hang", trigger: "manual" });
    expect(result).toMatchObject({ status: "failed", errorCode: "deadline" });
    expect(result.durationMs).toBeLessThan(2_000);
    const [row] = await recentRuns(deps.clients.sql, { job: "hang" });
    expect(row).toMatchObject({ status: "failed", errorCode: "deadline", trigger: "manual" });
    expect(await deps.clients.state.countLeases("slot")).toBe(0);
    expect((await runJob(deps, { job: "hang", trigger: "manual" })).errorCode).toBe("deadline");
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not reached");
    await sleep(50);
  }
}
