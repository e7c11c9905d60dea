/** Per-account state names: what an account's run asks of the store, and what each account sees. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config.js";
import { overlayAccount } from "../../lib/content/account-settings.js";
import { XbotError } from "../../lib/errors.js";
import { createCatalog } from "../../lib/jobs/catalog.js";
import { defineJob } from "../../lib/jobs/job.js";
import { BREAKER_POLICIES, LEVEL_WHEN_OPEN } from "../../lib/resilience/policies.js";
import { admitRequest, refusalReason, settleRequest } from "../../lib/runtime/admission.js";
import { breakersOfScope, visitsCounter, visitsTotalCounter } from "../../lib/state/keys.js";

const post = defineJob({
  name: "post",
  schedule: "*/10 * * * *",
  maxDurationMs: 60_000,
  needs: ["db", "state", "browser", "x"],
  async run() {
    return {};
  },
});
const catalog = createCatalog([post]);
const env = loadConfig({});
const acme = overlayAccount(env, { id: "acme", handle: "acme_co", settings: {} });
const run = { runId: "post_1", nowMs: 1_700_000_000_000, deliveryId: "msg-1" };

describe("per-account state names", () => {
  it("the env's account keeps today's names; an account's run has its own lock, x breaker, levels and dedupe key", () => {
    const plain = admitRequest(post, catalog, env, run);
    expect(plain.lockName).toBeUndefined();
    expect(plain.breakers.map((b) => b.name)).toEqual(["db", "browser", "x"]);
    expect(plain.levels).toBe(LEVEL_WHEN_OPEN);
    expect(plain.dedupeKey).toBe("post:msg-1");

    const scoped = admitRequest(post, catalog, acme, run);
    expect(scoped.lockName).toBe("post@acme");
    expect(scoped.breakers).toEqual([
      { name: "db", policy: BREAKER_POLICIES.db },
      { name: "browser", policy: BREAKER_POLICIES.browser },
      { name: "x@acme", policy: BREAKER_POLICIES.x },
    ]);
    expect(scoped.levels).toEqual({ ...Object.fromEntries(Object.entries(LEVEL_WHEN_OPEN).filter(([n]) => n !== "x")), "x@acme": LEVEL_WHEN_OPEN.x });
    expect(scoped.dedupeKey).toBe("post@acme:msg-1");
    expect(scoped.leases).toEqual(plain.leases); // browser slots are shared
    expect(refusalReason({ reason: "breaker_open", dependency: "x@acme", retryAtMs: null })).toBe("breaker_open:x");
  });

  it("an account's failed run counts against its own x breaker, with the x policy for the code", () => {
    const error = new XbotError("x_automated", "226");
    const s = settleRequest(post, { ...run, trials: ["x@acme"], error, heldLock: true, scope: "acme" });
    expect(s.lockName).toBe("post@acme");
    expect(s.outcomes).toEqual([expect.objectContaining({ name: "x@acme", ok: false, trial: true })]);
    const ok = settleRequest(post, { ...run, trials: [], error: null, heldLock: true, scope: "acme" });
    expect(ok.outcomes.map((o) => o.name)).toEqual(["db", "browser", "x@acme"]);
  });

  it("each account sees the shared breakers and its own x, never another account's", () => {
    const all = { db: 1, x: 2, "x@acme": 3, "x@beta": 4 };
    expect(breakersOfScope(all, undefined)).toEqual({ db: 1, x: 2 });
    expect(breakersOfScope(all, "acme")).toEqual({ db: 1, x: 3 });
    expect(breakersOfScope(all, "gamma")).toEqual({ db: 1 });
    expect(visitsTotalCounter(run.nowMs)).toBe("x-visits:2023-11-14:total");
    expect(visitsTotalCounter(run.nowMs, "acme")).toBe("x-visits:2023-11-14:total@acme");
    expect(visitsCounter(run.nowMs, "post", "acme")).toBe("x-visits:2023-11-14:post@acme");
  });

  it("an account whose id is the env's own (XBOT_ACCOUNT_ID) keeps today's names", () => {
    const same = overlayAccount(env, { id: "default", handle: "me", settings: {} });
    expect(same.account?.scope).toBeUndefined();
    expect(admitRequest(post, catalog, same, run).lockName).toBeUndefined();
  });
});
