/**
 * Vercel Schedules with a path target call a job's route exactly as a Cron Job does
 * (https://vercel.com/docs/schedules/migrate-from-cron-jobs: user-agent vercel-cron/1.0,
 * x-vercel-cron-schedule, Authorization: Bearer $CRON_SECRET), and unlike Cron Jobs they run
 * in Preview: there a run aimed at the real X is forced to shadow like any preview run.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { defineJob } from "../../lib/jobs/job.js";
import { jobRoute } from "../../lib/runtime/http/job-route.js";
import { availableStores, testRuntime, TEST_SECRETS, type TestRuntime } from "../support/runtime.js";

const modeJob = defineJob({
  name: "mode",
  schedule: "*/5 * * * *",
  maxDurationMs: 30_000,
  needs: ["state"],
  async run(ctx) {
    return { mode: ctx.mode, trigger: ctx.trigger };
  },
});

const scheduleCall = (job: string, headers: Record<string, string> = {}) =>
  new Request(`https://xbot-git-branch.vercel.app/api/jobs/${job}`, {
    method: "GET",
    headers: { "user-agent": "vercel-cron/1.0", "x-vercel-cron-schedule": "*/5 * * * *", authorization: `Bearer ${TEST_SECRETS.cron}`, ...headers },
  });

describe.each(availableStores())("a Vercel Schedules call on %s state", (store) => {
  let preview: TestRuntime;
  let production: TestRuntime;
  beforeAll(async () => {
    [preview, production] = await Promise.all([
      testRuntime(store, { jobs: [modeJob], env: { VERCEL_ENV: "preview", XBOT_X_BASE_URL: "https://x.com", XBOT_MODE: "live" } }),
      testRuntime(store, { jobs: [modeJob], env: { VERCEL_ENV: "production", XBOT_X_BASE_URL: "https://x.com", XBOT_MODE: "live" } }),
    ]);
  });

  it("in Preview runs the job as a cron run, forced to shadow because the X site is the real one", async () => {
    const res = await jobRoute("mode", preview.factory).GET(scheduleCall("mode"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", mode: "shadow", summary: { mode: "shadow", trigger: "cron" } });
  });

  it("in Production runs in the configured mode", async () => {
    const res = await jobRoute("mode", production.factory).GET(scheduleCall("mode"));
    expect(await res.json()).toMatchObject({ status: "ok", mode: "live", summary: { mode: "live" } });
  });

  it("without the CRON_SECRET bearer it is refused and runs nothing", async () => {
    const res = await jobRoute("mode", preview.factory).GET(scheduleCall("mode", { authorization: "Bearer wrong-secret-0123456789" }));
    expect(res.status).toBe(401);
  });
});
