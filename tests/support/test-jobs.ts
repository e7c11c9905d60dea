/** Jobs used only by the runtime tests. Each does something observable. */
import { setTimeout as sleep } from "node:timers/promises";
import { XbotError } from "../../lib/errors.js";
import { defineJob, type JobDefinition } from "../../lib/jobs/job.js";

/** Sleeps `ms` (params.ms overrides), then succeeds. */
export const slowJob = (name = "slow", ms = 400): JobDefinition =>
  defineJob({
    name,
    schedule: "*/5 * * * *",
    maxDurationMs: 30_000,
    needs: ["db", "state"],
    async run(ctx) {
      await sleep(Number(ctx.params.ms ?? ms), undefined, { signal: ctx.signal });
      return { slept: ms };
    },
  });

/** Uses the LLM dependency; params.fail makes it fail as llm_unavailable. */
export const llmJob = (name: string, ms = 0): JobDefinition =>
  defineJob({
    name,
    schedule: "0 * * * *",
    maxDurationMs: 30_000,
    needs: ["db", "state", "llm"],
    async run(ctx) {
      if (ms) await sleep(ms);
      if (ctx.params.fail) throw new XbotError("llm_unavailable", "test: LLM endpoint refused");
      return { ok: true };
    },
  });

/** Never finishes on its own; holds a `slot` lease while it hangs. */
export const hangJob = (maxDurationMs = 2_000): JobDefinition =>
  defineJob({
    name: "hang",
    schedule: "0 * * * *",
    maxDurationMs,
    needs: ["state"],
    budgets: [{ resource: "slot", slots: 1 }],
    async run() {
      await new Promise(() => {});
      return {};
    },
  });

/** A validation failure: must never open a breaker. */
export const invalidJob = defineJob({
  name: "invalid",
  schedule: "0 * * * *",
  maxDurationMs: 10_000,
  needs: ["db", "llm"],
  async run() {
    throw new XbotError("validation", "test: bad input");
  },
});

/** `after` dependency pair. */
export const upstreamJob = defineJob({
  name: "upstream",
  schedule: "*/10 * * * *",
  maxDurationMs: 10_000,
  needs: ["state"],
  async run() {
    return { done: true };
  },
});
export const downstreamJob = defineJob({
  name: "downstream",
  schedule: "*/10 * * * *",
  maxDurationMs: 10_000,
  needs: ["state"],
  after: ["upstream"],
  async run() {
    return { done: true };
  },
});

/** Opens the run's browser (the configured provider) and renders one page; reports the Chromium pid. */
export const browserJob = (name: string): JobDefinition =>
  defineJob({
    name,
    schedule: "0 * * * *",
    maxDurationMs: 120_000,
    needs: ["state", "browser"],
    async run(ctx) {
      const browser = await ctx.browser();
      const text = await browser.withPage(
        "probe",
        async (page) => {
          await page.setContent("<p>rendered</p>");
          return page.textContent("p");
        },
        { timeoutMs: 60_000 },
      );
      return { text, provider: browser.provider };
    },
  });

/** Every test job, for child processes that pick one by name. */
export function allTestJobs(): JobDefinition[] {
  const llm = Array.from({ length: 10 }, (_, i) => llmJob(`llm-${i}`, 1_500));
  return [slowJob(), llmJob("llm"), ...llm, hangJob(), invalidJob, upstreamJob, downstreamJob, browserJob("browser-page"), browserJob("browser-page-2")];
}
