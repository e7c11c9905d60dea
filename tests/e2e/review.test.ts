/**
 * The review queue end to end on the sandbox: with XBOT_REVIEW=all, plan then post puts
 * nothing on X; approving one item through the CLI (a real `xbot` process) or the admin API
 * lets exactly that item be posted, once; a rejected item and an expired one never are; an
 * edit is re-gated (a link is refused, nothing changes) and recorded with its actor.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { planJob } from "../../lib/jobs/plan.js";
import { post } from "../../lib/jobs/post.js";
import { reviewRoute } from "../../lib/runtime/http/review-route.js";
import { runJob, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { botRuntime, NO_CAPS, TestClock } from "../support/bot.js";
import { services } from "../support/env.js";
import { runNode } from "../support/node-process.js";
import { TEST_SECRETS } from "../support/runtime.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const ours = () => sandbox.posts().filter((p) => p.author === sandbox.user);
const statusOf = async (deps: RuntimeDeps, id: string) => (await deps.clients.sql.query<{ status: string }>("SELECT status FROM content_items WHERE id = $1", [id]))[0]!.status;
const api = (deps: RuntimeDeps, body: unknown) =>
  reviewRoute(() => Promise.resolve(deps)).POST(
    new Request("http://x.test/api/review", {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_SECRETS.admin}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );

describe.skipIf(!services().postgres)("the review queue on the sandbox", () => {
  it("holds everything with XBOT_REVIEW=all; CLI and API approvals post exactly that item once; reject and expiry post nothing", async () => {
    sandbox.reset();
    const clock = new TestClock();
    const rt = await botRuntime("postgres", sandbox, { jobs: [planJob({ model: null, random: () => 0.5 }), post], clock, env: { XBOT_REVIEW: "all", XBOT_CAPS: NO_CAPS } });
    const deps = await rt.factory();
    const plan = await runJob(deps, { job: "plan", trigger: "manual", params: { target: 4, maxPerRun: 4 } });
    expect(plan.summary).toMatchObject({ planned: 4, held: 4 });
    const held = await deps.clients.sql.query<{ id: string; tweets: string[] }>("SELECT id::text, tweets FROM content_items WHERE status = 'review' ORDER BY id");
    expect(held).toHaveLength(4);
    const before = ours().length;
    clock.advance(20 * 3_600_000); // everything is due by now
    expect((await runJob(deps, { job: "post", trigger: "cron" })).summary).toMatchObject({ posted: 0, reason: "nothing due" });
    expect(ours()).toHaveLength(before);

    const single = held.find((h) => h.tweets.length === 1)!; // the edit below replaces one tweet
    expect(single).toBeDefined();
    const [viaCli, rejected, expiring] = held.filter((h) => h !== single) as [(typeof held)[0], (typeof held)[0], (typeof held)[0]];
    const viaApi = single;
    const cli = (args: string[]) => runNode([join(process.cwd(), "bin/xbot.mjs"), ...args], { env: { ...rt.env, USER: "alice" }, timeoutMs: 120_000, label: `xbot ${args.join(" ")}` });
    const approved = await cli(["queue", "approve", viaCli.id, "--json"]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ action: "approve", item: { id: viaCli.id } });
    const reject = await cli(["queue", "reject", rejected.id, "--reason", "off topic"]);
    expect(reject.code, reject.stderr).toBe(0);
    const noReason = await cli(["queue", "reject", expiring.id]);
    expect(noReason.code).toBe(2);

    expect((await runJob(deps, { job: "post", trigger: "cron" })).summary).toMatchObject({ posted: 1 });
    expect(
      ours()
        .slice(before)
        .map((p) => p.text),
    ).toEqual(viaCli.tweets);
    expect((await runJob(deps, { job: "post", trigger: "cron" })).summary).toMatchObject({ posted: 0, reason: "nothing due" });

    const badEdit = await api(deps, { action: "edit", id: viaApi.id, tweets: ["Now with a link: scam[.]xyz"] });
    expect(badEdit.status).toBe(422);
    expect(await badEdit.json()).toMatchObject({ error: "gate", message: expect.stringContaining("gate link") });
    const edited = "Measure first, then index: EXPLAIN ANALYZE shows what the planner really did.";
    expect((await api(deps, { action: "edit", id: viaApi.id, tweets: [edited], actor: "ops" })).status).toBe(200);
    expect(await statusOf(deps, viaApi.id)).toBe("review");
    expect((await api(deps, { action: "approve", id: viaApi.id })).status).toBe(200);
    expect((await api(deps, { action: "approve", id: viaApi.id })).status).toBe(409);
    expect((await api(deps, { action: "reject", id: expiring.id })).status).toBe(400);
    expect((await runJob(deps, { job: "post", trigger: "cron" })).summary).toMatchObject({ posted: 1 });
    expect(
      ours()
        .slice(before)
        .map((p) => p.text),
    ).toEqual([...viaCli.tweets, edited]);

    clock.advance(25 * 3_600_000);
    expect((await runJob(deps, { job: "post", trigger: "cron" })).summary).toMatchObject({ posted: 0, reviewExpired: [expiring.id] });
    expect(await statusOf(deps, expiring.id)).toBe("cancelled");
    expect(await statusOf(deps, rejected.id)).toBe("cancelled");
    expect(ours().slice(before)).toHaveLength(viaCli.tweets.length + 1);
    const decisions = await deps.clients.sql.query<{ item: string; decision: string; actor: string; reason: string | null }>(
      "SELECT item_id::text AS item, decision, actor, reason FROM review_decisions WHERE decision <> 'held' ORDER BY id",
    );
    expect(decisions).toEqual([
      { item: viaCli.id, decision: "approve", actor: "cli:alice", reason: null },
      { item: rejected.id, decision: "reject", actor: "cli:alice", reason: "off topic" },
      { item: viaApi.id, decision: "edit", actor: "api:ops", reason: null },
      { item: viaApi.id, decision: "approve", actor: "api", reason: null },
      { item: expiring.id, decision: "expire", actor: "system:expiry", reason: "review expired" },
    ]);
  }, 300_000);
});
