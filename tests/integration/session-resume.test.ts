/**
 * After a validated session import, the x breaker closes only when a dead session opened it;
 * X's own push-back (226, 429, challenge) keeps its cool-down. Real Postgres and both stores.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { insertRun } from "../../lib/db/runs.js";
import type { ErrorCode } from "../../lib/errors.js";
import { policyForFailure } from "../../lib/resilience/policies.js";
import type { RuntimeDeps } from "../../lib/runtime/runner.js";
import { resumeAfterImport } from "../../lib/jobs/session-resume.js";
import { availableStores, testRuntime } from "../support/runtime.js";

const MINUTE = 60_000;

async function failedRun(deps: RuntimeDeps, code: string, endedAtMs: number, accountId = deps.config.XBOT_ACCOUNT_ID): Promise<void> {
  await insertRun(deps.clients.sql, {
    id: randomUUID(),
    accountId,
    job: "post",
    trigger: "cron",
    mode: "live",
    status: "failed",
    reason: code,
    errorCode: code,
    summary: {},
    artifactId: null,
    startedAt: new Date(endedAtMs - 1_000),
    endedAt: new Date(endedAtMs),
  });
}

async function openX(deps: RuntimeDeps, code: ErrorCode, nowMs: number): Promise<void> {
  await deps.clients.state.recordBreakerOutcome("x", { ok: false, trial: false }, policyForFailure("x", code), nowMs);
}

describe.each(availableStores())("resumeAfterImport on %s state", (store) => {
  it("closes the x breaker when an expired session opened it", async () => {
    const deps = await (await testRuntime(store)).factory();
    const now = Date.now();
    await failedRun(deps, "x_rate_limited", now - 60 * MINUTE);
    await failedRun(deps, "session_expired", now - MINUTE);
    await openX(deps, "session_expired", now - MINUTE);
    expect(await resumeAfterImport(deps.clients.sql, deps.clients.state, deps.config.XBOT_ACCOUNT_ID, now)).toEqual({ resumed: true, cause: "session_expired" });
    expect((await deps.clients.state.readBreaker("x")).state).toBe("closed");
  });

  it("keeps the cool-down when X pushed back last, and leaves a closed or isolated breaker alone", async () => {
    const deps = await (await testRuntime(store)).factory();
    const { sql, state } = deps.clients;
    const account = deps.config.XBOT_ACCOUNT_ID;
    const now = Date.now();
    expect(await resumeAfterImport(sql, state, account, now)).toEqual({ resumed: false, phase: "closed", cause: null, retryAtMs: null });

    await failedRun(deps, "session_expired", now - 60 * MINUTE);
    await failedRun(deps, "x_rate_limited", now - MINUTE);
    await failedRun(deps, "session_expired", now, "another-account");
    await openX(deps, "x_rate_limited", now - MINUTE);
    const kept = await resumeAfterImport(sql, state, account, now);
    expect(kept).toMatchObject({ resumed: false, phase: "open", cause: "x_rate_limited" });
    expect(kept.resumed === false && kept.retryAtMs).toBe(now - MINUTE + 30 * MINUTE);
    expect((await state.readBreaker("x")).state).toBe("open");

    await failedRun(deps, "session_expired", now);
    await state.isolateBreaker("x", now);
    expect(await resumeAfterImport(sql, state, account, now)).toMatchObject({ resumed: false, phase: "isolated" });
    expect((await state.readBreaker("x")).state).toBe("isolated");
  });
});
