/** The replies job on the sandbox: mentions become candidates, one grounded reply is posted exactly once. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { runJob } from "../../lib/runtime/runner.js";
import { repliesJob } from "../../lib/jobs/replies.js";
import { services } from "../support/env.js";
import { botRuntime, TestClock } from "../support/bot.js";
import { answeringModel, promptText } from "../support/llm.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe.skipIf(!services().postgres)("replies on the sandbox", () => {
  it("replies once to the best mention, grounded in its text, never twice and never to ourselves", async () => {
    sandbox.reset();
    const [mention] = sandbox.seed({ mentions: [{ author: "curious_dev", text: `@${sandbox.user} how do you keep cron jobs from overlapping?` }] });
    const model = answeringModel({ text: "A lock with a TTL per job, taken before the body runs." });
    const clock = new TestClock();
    const rt = await botRuntime("postgres", sandbox, { jobs: [repliesJob({ model })], clock, env: { XBOT_LLM_API_KEY: "test-key", XBOT_REVIEW: "none", XBOT_REPLY_HOURS: "0-0" } });
    const deps = await rt.factory();
    const first = await runJob(deps, { job: "replies", trigger: "cron" });
    expect(first).toMatchObject({ status: "ok", summary: { replied: 1 } });
    const replies = sandbox.posts().filter((p) => p.author === sandbox.user && p.inReplyTo);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ text: "A lock with a TTL per job, taken before the body runs." });
    const target = replies[0]!.inReplyTo!;
    expect(sandbox.posts().find((p) => p.id === target)?.author).not.toBe(sandbox.user);
    const replyCall = model.doGenerateCalls.find((c) => promptText(c.prompt).includes("<post>"))!;
    expect(promptText(replyCall.prompt)).toContain(sandbox.posts().find((p) => p.id === target)!.text);
    const safetyCall = model.doGenerateCalls.find((c) => promptText(c.prompt).includes("<draft>"))!;
    expect(promptText(safetyCall.prompt)).toContain("A lock with a TTL per job, taken before the body runs.");
    const [row] = await deps.clients.sql.query<{ tweet_id: string; in_reply_to: string; kind: string }>("SELECT tweet_id, in_reply_to, kind FROM posts");
    expect(row).toEqual({ tweet_id: replies[0]!.id, in_reply_to: target, kind: "reply" });
    clock.advance(20 * 60_000);
    const again = await runJob(deps, { job: "replies", trigger: "cron" });
    expect(again.status).toBe("ok");
    const repliedTo = sandbox
      .posts()
      .filter((p) => p.author === sandbox.user && p.inReplyTo)
      .map((p) => p.inReplyTo);
    expect(new Set(repliedTo).size).toBe(repliedTo.length);
    expect(mention).toBeDefined();
  }, 120_000);

  it("without an LLM it collects candidates but writes no reply", async () => {
    sandbox.reset();
    const rt = await botRuntime("postgres", sandbox, { jobs: [repliesJob()], env: { XBOT_REPLY_HOURS: "0-0" } });
    const deps = await rt.factory();
    const result = await runJob(deps, { job: "replies", trigger: "cron" });
    expect(result.summary).toMatchObject({ replied: 0, degraded: expect.stringContaining("no LLM") });
    expect(Number(result.summary?.discovered)).toBeGreaterThan(0);
    expect(sandbox.posts().filter((p) => p.author === sandbox.user && p.inReplyTo)).toHaveLength(0);
  }, 120_000);
});
