/**
 * The job route's fan-out on real Postgres and Redis, with a job that needs no browser: a
 * tick without account rows runs the env's single account as before; with rows, one run per
 * ACTIVE account; a duplicated tick of the same slot runs each account once; manual and QStash
 * runs take an account; a delivery for an unknown account is not retried; the status route and
 * doctor's notice say QStash is needed when accounts are regularly unreached, and the account's
 * own review opens a fan_out_unreached incident whose alert names it.
 */
import { describe, expect, it } from "vitest";
import { listIncidents } from "../../lib/db/incidents.js";
import { runJob } from "../../lib/runtime/runner.js";
import { startWebhookReceiver } from "../support/webhook-receiver.js";
import { insertAccount } from "../../lib/db/accounts.js";
import { insertRun, recentRuns, TIME_BUDGET_REASON } from "../../lib/db/runs.js";
import type { Sql } from "../../lib/db/sql.js";
import { jobRoute } from "../../lib/runtime/http/job-route.js";
import { statusRoute } from "../../lib/runtime/http/status-route.js";
import { fanOutNotice, REGULAR_SKIPS } from "../../lib/runtime/fan-out-notice.js";
import { runTick } from "../../lib/runtime/fan-out.js";
import { services } from "../support/env.js";
import { TEST_SECRETS, testRuntime } from "../support/runtime.js";
import { slowJob } from "../support/test-jobs.js";
import { QSTASH_DEV_CREDENTIALS, signQStashJwt } from "../support/qstash-shim.js";

const cron = () => new Request("http://xbot.test/api/jobs/slow", { headers: { authorization: `Bearer ${TEST_SECRETS.cron}` } });
const manual = (body: unknown) =>
  new Request("http://xbot.test/api/jobs/slow", { method: "POST", headers: { authorization: `Bearer ${TEST_SECRETS.admin}`, "content-type": "application/json" }, body: JSON.stringify(body) });
const keys = { QSTASH_CURRENT_SIGNING_KEY: QSTASH_DEV_CREDENTIALS.currentSigningKey, QSTASH_NEXT_SIGNING_KEY: QSTASH_DEV_CREDENTIALS.nextSigningKey };

/** A `skipped: time budget` row of the slow job for `accountId`, `i` ticks (5 min each) before `nowMs`. */
function timeBudgetSkip(sql: Sql, accountId: string, i: number, nowMs: number): Promise<void> {
  const at = new Date(nowMs - i * 300_000);
  return insertRun(sql, {
    id: `slow_${accountId}${i}`,
    accountId,
    job: "slow",
    trigger: "cron",
    mode: "live",
    status: "skipped",
    reason: TIME_BUDGET_REASON,
    errorCode: null,
    summary: {},
    artifactId: null,
    startedAt: at,
    endedAt: at,
  });
}

describe.skipIf(!services().postgres || !services().redis)("fan-out through the job route", () => {
  it("no account rows: a tick is today's single run; with rows: one run per active account, once per slot", async () => {
    const rt = await testRuntime("redis", { jobs: [slowJob("slow", 20)] });
    const route = jobRoute("slow", rt.factory);
    const single = (await (await route.GET(cron())).json()) as { runId?: string; fanOut?: string; status: string };
    expect(single).toMatchObject({ status: "ok", runId: expect.any(String) });
    expect(single.fanOut).toBeUndefined();

    const deps = await rt.factory();
    for (const id of ["a", "b", "c"]) await insertAccount(deps.clients.sql, { id, handle: `h_${id}`, status: id === "b" ? "paused" : "active" });
    const ticks = await Promise.all([route.GET(cron()), route.GET(cron()), route.GET(cron())]);
    const bodies = (await Promise.all(ticks.map((t) => t.json()))) as { fanOut: string; accounts: number; ran: { account: string; result: { status: string; reason?: string } }[] }[];
    expect(ticks.map((t) => t.status)).toEqual([200, 200, 200]);
    for (const b of bodies) expect(b).toMatchObject({ fanOut: "in_function", accounts: 2 });
    const ok = bodies.flatMap((b) => b.ran.filter((r) => r.result.status === "ok").map((r) => r.account));
    expect(ok.sort()).toEqual(["a", "c"]); // the paused account gets no run; the duplicates of the slot run nobody twice
    for (const r of bodies.flatMap((b) => b.ran).filter((x) => x.result.status !== "ok")) expect(["duplicate", "locked"]).toContain(r.result.reason);
    const runs = await recentRuns(deps.clients.sql, { job: "slow" });
    expect(
      runs
        .filter((r) => r.status === "ok")
        .map((r) => r.accountId)
        .sort(),
    ).toEqual(["a", "c", "default"]);

    // The local scheduler's tick (npm start) fans out the same way: the next slot runs a and c again.
    const local = await runTick({ ...deps, clock: { now: () => Date.now() + 5 * 60_000 } }, { job: "slow", trigger: "local", requestUrl: "http://127.0.0.1:1/" });
    expect(local).toMatchObject({ fanOut: "in_function", accounts: 2, unreached: [] });
    expect("ran" in local && local.ran.map((r) => [r.account, r.result?.status])).toEqual([
      ["a", "ok"],
      ["c", "ok"],
    ]);
  });

  it("manual and QStash runs take an account; a bad or unknown account is a client mistake", async () => {
    const rt = await testRuntime("redis", { jobs: [slowJob("slow", 5)], env: keys });
    const route = jobRoute("slow", rt.factory);
    const deps = await rt.factory();
    await insertAccount(deps.clients.sql, { id: "a", handle: "h_a" });
    expect(await (await route.POST(manual({ account: "a" }))).json()).toMatchObject({ status: "ok" });
    const bad = await route.POST(manual({ account: "not an id!" }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain("account");

    const delivery = (account: string, messageId: string) => {
      const url = "http://xbot.test/api/jobs/slow";
      const body = JSON.stringify({ account });
      return route.POST(
        new Request(url, {
          method: "POST",
          headers: { "upstash-signature": signQStashJwt({ url, body }), "upstash-message-id": messageId, "upstash-retried": "0", "content-type": "application/json" },
          body,
        }),
      );
    };
    expect(await (await delivery("a", "msg-1")).json()).toMatchObject({ status: "ok" });
    const unknown = await delivery("zz", "msg-2");
    expect(unknown.status).toBe(489);
    expect(unknown.headers.get("upstash-nonretryable-error")).toBe("true");
    expect(await unknown.json()).toMatchObject({ error: "unknown_account" });
    const runs = await recentRuns(deps.clients.sql, { job: "slow" });
    expect(runs.map((r) => [r.accountId, r.trigger, r.status]).sort()).toEqual([
      ["a", "manual", "ok"],
      ["a", "queue", "ok"],
    ]);
  });

  it("accounts regularly unreached: the status route and the notice say QStash is needed", async () => {
    const rt = await testRuntime("redis", { jobs: [slowJob("slow", 5)] });
    const deps = await rt.factory();
    const status = async () =>
      ((await (await statusRoute(rt.factory).GET(new Request("http://xbot.test/api/status", { headers: { authorization: `Bearer ${TEST_SECRETS.admin}` } }))).json()) as { fanOut: unknown }).fanOut;
    expect(await status()).toBeNull();
    const now = Date.now();
    for (let i = 0; i < REGULAR_SKIPS; i++) await timeBudgetSkip(deps.clients.sql, "far", i, now);
    expect(await status()).toMatchObject({ unreached: { far: REGULAR_SKIPS }, message: expect.stringContaining("far: 3 ticks"), fix: expect.stringContaining("configure QStash") });
    expect(await fanOutNotice(deps.clients.sql, deps.config, new Date(now + 25 * 3_600_000))).toBeNull(); // a day later, it is history
  });

  it("an account regularly unreached gets a fan_out_unreached incident at its next run, and an alert naming it", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const rt = await testRuntime("redis", { jobs: [slowJob("slow", 5)], env: { XBOT_ALERT_WEBHOOK_URL: `${receiver.url}/hook` } });
      const deps = await rt.factory();
      await insertAccount(deps.clients.sql, { id: "far", handle: "h_far" });
      await insertAccount(deps.clients.sql, { id: "near", handle: "h_near" });
      const skip = (accountId: string, i: number) => timeBudgetSkip(deps.clients.sql, accountId, i, Date.now());
      for (let i = 0; i < REGULAR_SKIPS - 1; i++) await skip("far", i);
      await skip("near", 0);
      const incidentsOf = async (id: string) => (await listIncidents(deps.clients.sql, id, new Date())).filter((i) => i.kind === "fan_out_unreached" && i.resolvedAt === null);
      await runJob(deps, { job: "slow", trigger: "manual", account: "far" });
      expect(await incidentsOf("far")).toEqual([]); // two skips in a day are not yet "regularly"
      await skip("far", REGULAR_SKIPS - 1);
      await runJob(deps, { job: "slow", trigger: "manual", account: "far" });
      await runJob(deps, { job: "slow", trigger: "manual", account: "near" });
      const [incident] = await incidentsOf("far");
      expect(incident).toMatchObject({ severity: "warn", message: expect.stringContaining("account far was not reached"), fix: expect.stringContaining("configure QStash") });
      expect(await incidentsOf("near")).toEqual([]);
      const alerts = receiver.received.filter((r) => JSON.stringify(r.body).includes("fan_out_unreached") || JSON.stringify(r.body).includes("not reached by the fan-out"));
      expect(alerts).toHaveLength(1);
      expect(JSON.stringify(alerts[0]!.body)).toContain("far");
    } finally {
      await receiver.close();
    }
  });
});
