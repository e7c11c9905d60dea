/**
 * Per-account isolation on real Postgres and Redis, real Chromium and the sandbox (one sandbox
 * user per account, each with its own session): a 226 on account A opens A's `x` breaker only
 * (`x@a`), B and C keep posting, and A's incident and alert name A. The runtime builds each
 * account's browser from its own config (RuntimeDeps.browserFactory), as production does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, sparticuzProvider } from "../../lib/browser/index.js";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { insertAccount } from "../../lib/db/accounts.js";
import { listIncidents } from "../../lib/db/incidents.js";
import { enqueue, queueCounts } from "../../lib/db/queue.js";
import { recentRuns } from "../../lib/db/runs.js";
import { post } from "../../lib/jobs/post.js";
import { runJob, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { services } from "../support/env.js";
import { NO_CAPS, registerSandboxSecrets } from "../support/bot.js";
import { statusRoute } from "../../lib/runtime/http/status-route.js";
import { testRuntime, TEST_SECRETS } from "../support/runtime.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const IDS = ["a", "b", "c"] as const;
const sandboxes: Record<string, Sandbox> = {};
let hook: WebhookReceiver;
beforeAll(async () => {
  for (const id of IDS) sandboxes[id] = await createSandbox({ user: `acct_${id}` });
  hook = await startWebhookReceiver();
});
afterAll(async () => {
  for (const s of Object.values(sandboxes)) await s.close();
  await hook.close();
});

const startedAt = Date.now() - 1;
const postsOf = (id: string) => sandboxes[id]!.posts().filter((p) => p.author === `acct_${id}` && !p.deleted && p.createdAtMs > startedAt);

async function queueFor(deps: RuntimeDeps, account: string, label: string): Promise<void> {
  await enqueue(deps.clients.sql, {
    accountId: account,
    kind: "single",
    tweets: [`${label} for ${account} ${Math.random().toString(36).slice(2, 8)}`],
    source: "manual",
    dueAt: new Date(Date.now() - 60_000),
  });
}

describe.skipIf(!services().postgres || !services().redis)("accounts isolation on the sandbox", () => {
  it("a 226 on account A opens A's x breaker only; B and C keep posting; A's incident and alert name A", async () => {
    for (const s of Object.values(sandboxes)) registerSandboxSecrets(s);
    const rt = await testRuntime("redis", {
      jobs: [post],
      // Each account's browser logs in to its own sandbox user (production: its x_sessions row).
      browser:
        (config) =>
        ({ log }) =>
          openBrowser({ provider: sparticuzProvider(), storageState: sandboxes[config.XBOT_ACCOUNT_ID]!.storageState(), logger: log }),
      env: { XBOT_CAPS: NO_CAPS, XBOT_TYPING: "fill", XBOT_ALERT_WEBHOOK_URL: hook.url, XBOT_ALERT_FORMAT: "json" },
    });
    const deps = await rt.factory();
    for (const id of IDS) {
      await insertAccount(deps.clients.sql, { id, handle: `acct_${id}`, settings: { xBaseUrl: sandboxes[id]!.url } });
      await queueFor(deps, id, "first");
    }
    sandboxes.a!.setFault({ kind: "automated_226" });

    expect(await runJob(deps, { job: "post", trigger: "cron", account: "a" })).toMatchObject({ status: "failed", errorCode: "x_automated" });
    for (const id of ["b", "c"]) expect(await runJob(deps, { job: "post", trigger: "cron", account: id })).toMatchObject({ status: "ok" });

    const breakers = await deps.clients.state.listBreakers();
    expect(breakers["x@a"]).toMatchObject({ state: "open", opens: 1 });
    expect(Object.keys(breakers).filter((n) => breakers[n]!.state !== "closed")).toEqual(["x@a"]);
    expect(postsOf("a")).toHaveLength(0);
    expect(postsOf("b")).toHaveLength(1);
    expect(postsOf("c")).toHaveLength(1);

    // Later: A stays paused by its breaker; B and C post their next items.
    for (const id of IDS) await queueFor(deps, id, "second");
    expect(await runJob(deps, { job: "post", trigger: "cron", account: "a" })).toMatchObject({ status: "skipped", reason: "breaker_open:x" });
    for (const id of ["b", "c"]) expect(await runJob(deps, { job: "post", trigger: "cron", account: id })).toMatchObject({ status: "ok" });
    expect(postsOf("b")).toHaveLength(2);
    expect(postsOf("c")).toHaveLength(2);
    expect(await queueCounts(deps.clients.sql, "a")).toMatchObject({ queued: 2, posting: 0, posted: 0 });
    // The env's single account and its key names are untouched.
    expect(await deps.clients.state.readBreaker("x")).toMatchObject({ state: "closed" });

    const now = new Date();
    const incidentsA = (await listIncidents(deps.clients.sql, "a", now)).filter((i) => i.kind === "breaker_open");
    expect(incidentsA).toEqual([expect.objectContaining({ kind: "breaker_open", subject: "x", message: expect.stringContaining("breaker x of account a is open") })]);
    expect(incidentsA[0]!.fix).toContain("--account a");
    for (const id of ["b", "c"]) expect((await listIncidents(deps.clients.sql, id, now)).filter((i) => i.kind === "breaker_open")).toEqual([]);
    // None of the three has an egress of its own: each one's review warns that they share the deployment's network.
    for (const id of IDS) {
      expect((await listIncidents(deps.clients.sql, id, now)).filter((i) => i.kind === "egress_shared")).toEqual([
        expect.objectContaining({ severity: "warn", message: expect.stringContaining("accounts a, b, c share one egress (no egress set") }),
      ]);
    }
    const alerts = hook.received.map((r) => r.body as { text: string; account: string; incident: { kind: string } });
    expect(alerts.filter((a) => a.incident.kind === "breaker_open")).toEqual([
      expect.objectContaining({ account: "a", text: expect.stringMatching(/^\[xbot a\] Incident opened: breaker x of account a is open/) }),
    ]);
    // Each account's health sees its own x breaker under the name x, and no other account's.
    const { GET } = statusRoute(rt.factory);
    const healthOf = async (id: string) =>
      (
        (await (await GET(new Request(`http://xbot.test/api/status?account=${id}`, { headers: { authorization: `Bearer ${TEST_SECRETS.admin}` } }))).json()) as {
          health: { level: number; breakers: Record<string, { state: string }> };
        }
      ).health;
    expect((await healthOf("a")).breakers.x).toMatchObject({ state: "open" });
    for (const id of ["b", "c"]) expect(await healthOf(id)).toMatchObject({ level: 3, breakers: expect.not.objectContaining({ x: expect.anything() }) });
    const runs = await recentRuns(deps.clients.sql, { job: "post" });
    expect(
      runs
        .filter((r) => r.status === "ok")
        .map((r) => r.accountId)
        .sort(),
    ).toEqual(["b", "b", "c", "c"]);
  }, 180_000);
});
