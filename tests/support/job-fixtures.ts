/**
 * Fixtures for the plan / metrics / followers / learn job tests: a deterministic PRNG, an
 * AI SDK test model with scripted replies, a content directory with a narrowed topic plan,
 * a scripted browser that fails every page operation, and runtimes for those jobs.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APICallError } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import type { BrowserSession } from "../../lib/browser/index.js";
import { XbotError, type ErrorCode } from "../../lib/errors.js";
import { planJob, type PlanJobOptions } from "../../lib/jobs/plan.js";
import type { BrowserOpener } from "../../lib/jobs/context.js";
import type { JobDefinition } from "../../lib/jobs/job.js";
import { runJob, type RunResult, type RuntimeDeps } from "../../lib/runtime/runner.js";
import { testRuntime, type StoreKind } from "./runtime.js";

/** A small deterministic PRNG (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Token usage every scripted reply reports: 120 in, 45 out ($0.001275 at the unknown-model price). */
const USAGE = { inputTokens: { total: 120, noCache: 120, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 45, text: 45, reasoning: undefined } };

/** True for a call of the LLM safety check (its prompt fences the draft in <draft> tags). */
export function isSafetyCall(call: { prompt: unknown }): boolean {
  return JSON.stringify(call.prompt).includes("<draft>");
}

/** The generation calls of a model (safety-check calls left out). */
export function generationCalls(model: MockLanguageModelV4): unknown[] {
  return model.doGenerateCalls.filter((c) => !isSafetyCall(c));
}

/**
 * A test model answering each generation call with the next reply (the last repeats); an
 * Error is thrown. A safety-check call is answered with `safety` (default safe) and does not
 * use up a reply.
 */
export function scriptedModel(replies: (string | Error)[], safety: { safe: boolean; reason: string } | Error = { safe: true, reason: "fine" }): MockLanguageModelV4 {
  let i = 0;
  return new MockLanguageModelV4({
    doGenerate: async (options) => {
      const r = isSafetyCall(options) ? (safety instanceof Error ? safety : JSON.stringify(safety)) : replies[Math.min(i++, replies.length - 1)]!;
      if (r instanceof Error) throw r;
      return { content: [{ type: "text", text: r }], finishReason: { unified: "stop", raw: "stop" }, usage: USAGE, warnings: [] };
    },
  });
}

/** The JSON a single-post structured output returns. */
export const singleJson = (text: string) => JSON.stringify({ text });

/** An API error as the provider would throw it. */
export const apiError = (statusCode: number) => new APICallError({ message: `HTTP ${statusCode}`, url: "https://llm.test/v1/chat/completions", requestBodyValues: {}, statusCode });

/** A copy of content/ whose topic plan is one topic ("databases") in `formats`; optionally another library. */
export function contentDir(formats: string[], evergreen?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "xbot-plan-content-"));
  cpSync("content", dir, { recursive: true });
  const topics = { bucketHours: 4, formats, topics: [{ id: "databases", description: "Postgres for small teams", keywords: ["indexes"] }] };
  writeFileSync(join(dir, "topics.json"), JSON.stringify(topics));
  if (evergreen) writeFileSync(join(dir, "evergreen.json"), JSON.stringify(evergreen));
  return dir;
}

/** A plan runtime at a fixed simulated time. */
export interface PlanSetup {
  deps: RuntimeDeps;
  logs: string[];
  run(params?: Record<string, unknown>, options?: { skipLock?: boolean; account?: string }): Promise<RunResult>;
}

/** A runtime with only `planJob(options)` (seeded randomness), its clock fixed at `now` (or the clock given). */
export async function planSetup(store: StoreKind, options: PlanJobOptions, now: number | { now(): number }, env: Record<string, string> = {}): Promise<PlanSetup> {
  const clock = typeof now === "number" ? { now: () => now } : now;
  const rt = await testRuntime(store, { jobs: [planJob({ random: seeded(7), ...options })], clock, env });
  const deps = await rt.factory();
  return { deps, logs: rt.logs, run: (params = {}, o = {}) => runJob(deps, { job: "plan", trigger: "manual", params, ...o }) };
}

/** Page operations a scripted browser saw, and how often one was opened. */
export interface BrowserCalls {
  n: number;
  opened: number;
}

/** A browser whose every page operation fails with `code(op)` (no Chromium). */
export function scriptedBrowser(code: (op: string) => ErrorCode, calls: BrowserCalls): BrowserOpener {
  return async () => {
    calls.opened++;
    const session = {
      provider: "scripted",
      withPage: async (op: string) => {
        calls.n++;
        const c = code(op);
        throw new XbotError(c, `scripted ${c}`);
      },
      storageState: async () => ({ cookies: [], origins: [] }),
      stats: () => ({ pagesOpened: calls.n, requestsBlocked: 0, bytesReceived: 0 }),
      process: () => undefined,
      close: async () => {},
      [Symbol.asyncDispose]: async () => {},
    };
    return session as unknown as BrowserSession;
  };
}

/** A runtime of scraping jobs on a scripted browser, with a movable simulated clock. */
export interface ScrapeSetup {
  deps: RuntimeDeps;
  calls: BrowserCalls;
  clock: { t: number };
  run(job: string, mode?: "live" | "shadow"): Promise<RunResult>;
}

/** Builds a {@link ScrapeSetup} (Postgres state) whose browser fails with `code()`. */
export async function scrapeSetup(jobs: JobDefinition[], start: number, code: (op: string) => ErrorCode = () => "page_timeout"): Promise<ScrapeSetup> {
  const calls = { n: 0, opened: 0 };
  const clock = { t: start };
  const rt = await testRuntime("postgres", {
    jobs,
    clock: { now: () => clock.t },
    openBrowser: scriptedBrowser(code, calls),
    env: { XBOT_X_BASE_URL: "http://127.0.0.1:9", XBOT_X_USER: "someone" },
  });
  const deps = await rt.factory();
  return { deps, calls, clock, run: (job, mode) => runJob(deps, { job, trigger: "manual", ...(mode ? { mode } : {}) }) };
}

/** Inserts `n` single posts of age `ageMs` (at the setup's clock); returns their tweet ids. */
export async function insertPosts(s: ScrapeSetup, n: number, ageMs: number, first = 1): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => String(1_000_000_000_000_000_000n + BigInt(first + i)));
  await s.deps.clients.sql.query("INSERT INTO posts (tweet_id, kind, text, posted_at) SELECT id, 'single', 'post ' || id, $2 FROM unnest($1::text[]) AS id", [
    ids,
    new Date(s.clock.t - ageMs).toISOString(),
  ]);
  return ids;
}
