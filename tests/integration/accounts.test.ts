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
import { accountsRoute } from "../../lib/runtime/http/accounts-route.js";
import { statusRoute } from "../../lib/runtime/http/status-route.js";
import { listItems } from "../../lib/db/queue.js";
import { generationCalls, planSetup, scriptedModel, singleJson } from "../support/job-fixtures.js";
import { testRuntime, TEST_SECRETS } from "../support/runtime.js";

const admin = (body?: unknown, query = "", token: string = TEST_SECRETS.admin) =>
  new Request(`http://xbot.test/api/accounts${query}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });

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

  it("/api/accounts: admin only; every bad field named in a 400; add, edit, pause through the route, and the run sees the settings", async () => {
    const rt = await testRuntime("postgres", { jobs: [whoami], env: { XBOT_SESSION_KEY: "c".repeat(64) } });
    const route = accountsRoute(rt.factory);
    expect((await route.GET(admin(undefined, "", "wrong-token-0123456789"))).status).toBe(401);
    expect(await (await route.GET(admin())).json()).toEqual({ accounts: [], warnings: [], envAccount: "default" });

    const bad = await route.POST(admin({ action: "add", id: "Bad Id", handle: "@nope", settings: { caps: { postsPerHour: "many" }, mode: "loud", surprise: 1 }, egress: { proxyUrl: "ftp://x" } }));
    expect(bad.status).toBe(400);
    const message = ((await bad.json()) as { message: string }).message;
    for (const field of ["id:", "handle:", "settings.caps.postsPerHour:", "settings.mode:", "settings:", "egress.proxyUrl:"]) expect(message).toContain(field);
    expect((await route.POST(admin("{not json"))).status).toBe(400);
    expect((await route.POST(admin({ action: "fly", id: "a" }))).status).toBe(400);

    const added = await route.POST(admin({ action: "add", id: "acme", handle: "acme_co", settings: { caps: { postsPerHour: 1 } }, egress: { proxyUrl: "http://u:secretpw@p.example:1" } }));
    expect(added.status).toBe(201);
    const addedBody = JSON.stringify(await added.json());
    expect(addedBody).not.toContain("secretpw");
    expect(JSON.parse(addedBody)).toMatchObject({ account: { id: "acme", egress: { proxy: true, browserEndpoint: false } }, warnings: [] });
    expect((await route.POST(admin({ action: "add", id: "acme2", handle: "acme_co" }))).status).toBe(409);
    expect((await route.POST(admin({ action: "add", id: "beta", handle: "beta_co" }))).status).toBe(201);
    expect((await route.POST(admin({ action: "edit", id: "ghost", settings: {} }))).status).toBe(404);
    const taken = await route.POST(admin({ action: "edit", id: "beta", handle: "acme_co" }));
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { message: string }).message).toContain('handle "acme_co" belongs to another account');
    expect((await route.GET(admin(undefined, "?id=ghost"))).status).toBe(404);
    const edited = await route.POST(admin({ action: "edit", id: "beta", settings: { mode: "shadow" }, egress: { proxyUrl: "http://u:secretpw@p.example:1" } }));
    expect(await edited.json()).toMatchObject({
      account: { settings: { mode: "shadow" } },
      warnings: [expect.stringContaining("accounts acme, beta share one egress (proxy p.example:1 (same user))")],
    });

    const status = await statusRoute(rt.factory).GET(new Request("http://xbot.test/api/status", { headers: { authorization: `Bearer ${TEST_SECRETS.admin}` } }));
    expect(((await status.json()) as { accounts: unknown }).accounts).toEqual({
      list: [
        { id: "acme", handle: "acme_co", status: "active" },
        { id: "beta", handle: "beta_co", status: "active" },
      ],
      warnings: [expect.stringContaining("accounts acme, beta share one egress")],
    });
    const deps = await rt.factory();
    expect((await runJob(deps, { job: "whoami", trigger: "manual", account: "acme" })).summary).toMatchObject({ account: "acme", postsPerHour: 1 });
    expect(await runJob(deps, { job: "whoami", trigger: "manual", account: "beta" })).toMatchObject({ mode: "shadow", summary: { mode: "shadow" } });
    const statusOf = (query: string) => statusRoute(rt.factory).GET(new Request(`http://xbot.test/api/status${query}`, { headers: { authorization: `Bearer ${TEST_SECRETS.admin}` } }));
    const acme = (await (await statusOf("?account=acme")).json()) as { account: { id: string; handle: string }; runs: { accountId: string }[] };
    expect(acme.account).toMatchObject({ id: "acme", handle: "acme_co" });
    expect(acme.runs.map((r) => r.accountId)).toEqual(["acme"]);
    expect((await statusOf("?account=ghost")).status).toBe(404);
    expect((await route.POST(admin({ action: "pause", id: "beta" }))).status).toBe(200);
    expect(await runJob(deps, { job: "whoami", trigger: "manual", account: "beta" })).toMatchObject({ status: "skipped", reason: "account_paused" });
    expect(await (await route.POST(admin({ action: "remove", id: "beta" }))).json()).toEqual({ removed: "beta" });
    expect(((await (await route.GET(admin())).json()) as { accounts: { id: string }[] }).accounts.map((a) => a.id)).toEqual(["acme"]);
  });

  it("plan for an account uses its own topics, evergreen library, voice and LLM budget share", async () => {
    const DAY = Date.UTC(2031, 2, 4, 10, 0, 0);
    const tips = [
      "Rust tip: let the borrow checker teach you; restructure the data, not the lifetimes.",
      "Rust tip: reach for iterators before index loops, the compiler removes the bounds checks.",
      "Rust tip: an enum with data beats a struct full of optional fields and booleans.",
    ];
    const evergreen = tips.map((text, n) => ({ id: `r${n}`, topic: "rust", format: "single", tweets: [text] }));
    const s = await planSetup("postgres", { model: null }, DAY);
    await insertAccount(s.deps.clients.sql, { id: "rusty", handle: "rusty", settings: { topics: [{ id: "rust", description: "Practical Rust tips" }], evergreen } });
    expect(await s.run({ target: 2 }, { account: "rusty" })).toMatchObject({ status: "ok", summary: { planned: 2, evergreen: 2 } });
    const queued = await listItems(s.deps.clients.sql, "rusty", { limit: 10 });
    expect(queued.map((i) => i.topic)).toEqual(["rust", "rust"]);
    expect(queued.every((i) => i.tweets[0]!.startsWith("Rust tip: "))).toBe(true);
    expect(await listItems(s.deps.clients.sql, "default", { limit: 10 })).toEqual([]);

    const model = scriptedModel([singleJson("Small functions with one job each are easier to test, name and delete later.")]);
    const voiced = await planSetup("postgres", { model }, DAY);
    const voice = "Wry, understated, never uses exclamation marks";
    await insertAccount(voiced.deps.clients.sql, { id: "wry", handle: "wry", settings: { voice } });
    await insertAccount(voiced.deps.clients.sql, { id: "thrifty", handle: "thrifty", settings: { llmBudgetShare: 0.001 } });
    expect(await voiced.run({ target: 1 }, { account: "wry" })).toMatchObject({ status: "ok", summary: { planned: 1, llm: 1 } });
    expect(JSON.stringify(generationCalls(model)[0])).toContain(voice);
    // $1 shared budget, 0.1% share: one estimated call ($0.0125 at the unknown-model price) does not fit.
    expect((await voiced.run({ target: 1 }, { account: "thrifty" })).summary).toMatchObject({ llm: 0, degraded: "llm over budget" });
    expect(voiced.logs.some((l) => l.includes("account thrifty's share (0.001)"))).toBe(true);
  });
});
