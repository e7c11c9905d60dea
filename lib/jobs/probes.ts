/**
 * Resource probes: one cheap check per dependency, used by heal to try a half-open
 * breaker and by the operator's doctor. Each returns a decision object; none throws.
 */
import { probeDb } from "../db/health.js";
import { toXbotError, type Dependency } from "../errors.js";
import type { JobContext } from "./context.js";

/** Result of one probe. `skipped` means no cheap probe exists for it in this context. */
export type ProbeOutcome = { ok: true; latencyMs: number } | { ok: false; error: { code: string; message: string } } | { ok: null; skipped: string };

async function timed(fn: () => Promise<unknown>): Promise<ProbeOutcome> {
  const started = performance.now();
  try {
    await fn();
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const e = toXbotError(error);
    return { ok: false, error: { code: e.code, message: e.message } };
  }
}

/** Whether a dependency has a cheap probe (llm and x are tried by the next job that uses them). */
export function hasProbe(dependency: Dependency): boolean {
  return dependency !== "llm" && dependency !== "x";
}

/** Probes one dependency with the run's own clients. */
export async function probeDependency(ctx: JobContext, dependency: Dependency): Promise<ProbeOutcome> {
  switch (dependency) {
    case "db": {
      const result = await probeDb(ctx.db);
      return result.ok ? { ok: true, latencyMs: result.latencyMs } : { ok: false, error: result.error };
    }
    case "state":
      return timed(() => ctx.state.ping());
    case "browser":
      return timed(async () => (await ctx.browser()).withPage("probe", (page) => page.goto("about:blank"), { timeoutMs: 20_000 }));
    case "llm":
    case "x":
      return { ok: null, skipped: `${dependency} is probed by the next job that uses it` };
  }
}
