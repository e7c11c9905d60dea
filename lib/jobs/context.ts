/**
 * The per-invocation context a job runs with. Created fresh for every run; nothing in it
 * outlives the invocation. Needs are acquired lazily: `ctx.browser()` launches Chromium
 * only if the job calls it, and the runner closes whatever was opened.
 */
import type { Config } from "../config.js";
import type { Sql } from "../db/sql.js";
import type { BrowserSession } from "../browser/index.js";
import type { Logger } from "../log.js";
import type { StateStore } from "../state/store.js";
import { XbotError } from "../errors.js";
import type { JobCatalog } from "./catalog.js";
import type { Mode, Trigger } from "./job.js";

/** A clock; tests drive a simulated one. */
export interface Clock {
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Opens the run's browser (the `browser` need). Provided by the composition root. */
export type BrowserOpener = (request: { log: Logger; signal: AbortSignal }) => Promise<BrowserSession>;

/** Builds a BrowserOpener from the config and the database (lib/runtime/browser-need.ts). */
export type BrowserOpenerFactory = (config: Config, sql: Sql) => BrowserOpener;

/**
 * Test-only fault hooks: called at named points of a job (e.g. "post:after_attempt") so
 * a reliability test can crash the process there. Production never passes one.
 */
export type FaultHook = (point: string) => Promise<void> | void;

/** What a job sees. */
export interface JobContext {
  readonly runId: string;
  readonly job: string;
  readonly trigger: Trigger;
  readonly mode: Mode;
  readonly config: Config;
  readonly db: Sql;
  readonly state: StateStore;
  readonly log: Logger;
  readonly clock: Clock;
  /** Fires a safety margin before maxDuration, or when the invocation is abandoned. */
  readonly signal: AbortSignal;
  /** Epoch ms at which `signal` fires. */
  readonly deadlineAt: number;
  /** Every job of this deployment (heal judges their heartbeats). */
  readonly catalog: JobCatalog;
  /** Parameters of a manual or queued run (validated by the job). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The one browser of this run, launched on first call. */
  browser(): Promise<BrowserSession>;
  /** Marks a named point of the job; a no-op unless a test installed a FaultHook. */
  checkpoint(point: string): Promise<void>;
}

/** Everything a context is built from. */
export interface ContextInit extends Omit<JobContext, "browser" | "checkpoint"> {
  readonly openBrowser?: BrowserOpener;
  readonly faults?: FaultHook;
}

/** A context plus the cleanup the runner must call on every path. */
export interface OwnedContext {
  readonly ctx: JobContext;
  /** Closes what the run opened (the browser). Never throws. */
  dispose(): Promise<void>;
}

/** Creates a context whose lazily opened resources are closed by `dispose`. */
export function createContext(init: ContextInit): OwnedContext {
  let browser: Promise<BrowserSession> | undefined;
  const { openBrowser, faults, ...fields } = init;
  const ctx: JobContext = {
    ...fields,
    browser() {
      if (!openBrowser) return Promise.reject(new XbotError("browser_launch", "this runtime has no browser provider"));
      browser ??= openBrowser({ log: init.log, signal: init.signal });
      return browser;
    },
    async checkpoint(point) {
      if (faults) await faults(point);
    },
  };
  return {
    ctx,
    async dispose() {
      if (!browser) return;
      const opened = await browser.catch(() => undefined);
      if (opened) await Promise.resolve(opened[Symbol.asyncDispose]()).catch((error: unknown) => init.log.warn("browser close failed", { error }));
    },
  };
}
