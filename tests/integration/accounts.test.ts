/**
 * Accounts as data on real Postgres: the table's rows, the settings laid over the env config
 * for one run (Invocation.account), a paused account's runs skipped, and the env's single
 * account running exactly as before when it has no row.
 */
import { describe, expect, it } from "vitest";
import { deleteAccount, getAccount, insertAccount, listAccounts, updateAccount } from "../../lib/db/accounts.js";
import { recentRuns } from "../../lib/db/runs.js";
import { defineJob } from "../../lib/jobs/job.js";
import { runJob } from "../../lib/runtime/runner.js";
import { testRuntime } from "../support/runtime.js";

/** Reports the config the run saw. */
const whoami = defineJob({
  name: "whoami",
  schedule: "0 * * * *",
  maxDurationMs: 10_000,
  needs: ["db", "state"],
  async run(ctx) {
    const c = ctx.config;
    return {
      account: c.XBOT_ACCOUNT_ID,
      user: c.XBOT_X_USER ?? null,
      postsPerHour: c.XBOT_CAPS.postsPerHour,
      threadsPerDay: c.XBOT_CAPS.threadsPerDay,
      mode: c.XBOT_MODE,
      replyHours: c.XBOT_REPLY_HOURS,
    };
  },
});

describe("accounts", () => {
  it("rows: insert, list by status in id order, update, conflict on a taken handle, delete", async () => {
    const rt = await testRuntime("postgres", { jobs: [whoami] });
    const { sql } = (await rt.factory()).clients;
    await insertAccount(sql, { id: "b", handle: "bee" });
    await insertAccount(sql, { id: "a", handle: "ay", status: "paused", settings: { voice: "dry" } });
    expect((await listAccounts(sql)).map((r) => r.id)).toEqual(["a", "b"]);
    expect((await listAccounts(sql, { status: "active" })).map((r) => r.id)).toEqual(["b"]);
    await expect(insertAccount(sql, { id: "c", handle: "bee" })).rejects.toMatchObject({ code: "conflict" });
    await expect(updateAccount(sql, "a", { handle: "bee" })).rejects.toMatchObject({ code: "conflict" });
    expect(await updateAccount(sql, "a", { status: "active" })).toMatchObject({ status: "active", settings: { voice: "dry" } });
    expect(await deleteAccount(sql, "a")).toBe(true);
    expect(await getAccount(sql, "a")).toBeUndefined();
    expect(await updateAccount(sql, "a", { status: "paused" })).toBeUndefined();
  });

  it("a run for an account sees its settings over the env's, and is recorded under its id", async () => {
    const rt = await testRuntime("postgres", { jobs: [whoami], env: { XBOT_CAPS: '{"postsPerHour":3,"threadsPerDay":4}', XBOT_MODE: "shadow" } });
    const deps = await rt.factory();
    await insertAccount(deps.clients.sql, { id: "acme", handle: "acme_co", settings: { caps: { postsPerHour: 1 }, mode: "dry", timezone: "Asia/Kolkata", activeHours: "9-17" } });
    const env = await runJob(deps, { job: "whoami", trigger: "manual" });
    expect(env.summary).toEqual({ account: "default", user: null, postsPerHour: 3, threadsPerDay: 4, mode: "shadow", replyHours: { start: 8, end: 22 } });
    const acme = await runJob(deps, { job: "whoami", trigger: "manual", account: "acme" });
    // Kolkata is UTC+5:30, rounded to +6: 9-17 local is 3-11 UTC.
    expect(acme.summary).toEqual({ account: "acme", user: "acme_co", postsPerHour: 1, threadsPerDay: 4, mode: "dry", replyHours: { start: 3, end: 11 } });
    const runs = await recentRuns(deps.clients.sql, { job: "whoami" });
    expect(runs.map((r) => r.accountId).sort()).toEqual(["acme", "default"]);
  });

  it("a paused account's run is skipped; an unknown account is not_found; the env's own id without a row runs as today", async () => {
    const rt = await testRuntime("postgres", { jobs: [whoami] });
    const deps = await rt.factory();
    await insertAccount(deps.clients.sql, { id: "sleepy", handle: "sleepy", status: "paused" });
    expect(await runJob(deps, { job: "whoami", trigger: "manual", account: "sleepy" })).toMatchObject({ status: "skipped", reason: "account_paused" });
    await expect(runJob(deps, { job: "whoami", trigger: "manual", account: "ghost" })).rejects.toMatchObject({ code: "not_found", message: expect.stringContaining('"ghost"') });
    expect(await runJob(deps, { job: "whoami", trigger: "manual", account: "default" })).toMatchObject({ status: "ok", summary: { account: "default", user: null } });
  });
});
