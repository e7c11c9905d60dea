/**
 * A bot runtime against the sandbox X site: real Postgres, real state store, real
 * bundled Chromium logged in with the sandbox's session, and a clock tests can move.
 */
import { openBrowser, sparticuzProvider } from "../../lib/browser/index.js";
import type { BrowserOpener } from "../../lib/jobs/context.js";
import type { JobDefinition } from "../../lib/jobs/job.js";
import type { Sandbox } from "../../lib/dev/sandbox/index.js";
import { registerSecret } from "./log-capture.js";
import { testRuntime, type StoreKind, type TestRuntime } from "./runtime.js";

/** A clock a test moves by hand; starts at the real time. */
export class TestClock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  /** Moves the clock forward. */
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** Caps that never hold (tests of the claim protocol alone). */
export const NO_CAPS = JSON.stringify({ postsPerHour: 10_000, minGapMinutes: 0, threadsPerHour: 10_000, threadsPerDay: 10_000, repliesPerHour: 10_000, replyMinGapMinutes: 0, ramp: [10_000] });

/** An opener that logs in to the sandbox and counts how often it was asked. */
export function sandboxOpener(sandbox: Sandbox): BrowserOpener & { opened: number } {
  const opener = Object.assign(
    ({ log }: { log: import("../../lib/log.js").Logger }) => {
      opener.opened++;
      return openBrowser({ provider: sparticuzProvider(), storageState: sandbox.storageState(), logger: log });
    },
    { opened: 0 },
  );
  return opener;
}

/** The transports the exactly-once suites run on. */
export const TRANSPORTS = ["browser", "api"] as const;
/** A transport name. */
export type TransportName = (typeof TRANSPORTS)[number];

/** The environment that makes a runtime post and reconcile through `transport` on the sandbox. */
export function transportEnv(transport: TransportName, sandbox: Sandbox): Record<string, string> {
  if (transport === "browser") return {};
  const k = sandbox.apiKeys;
  return { XBOT_X_TRANSPORT: "api", XBOT_X_API_BASE_URL: sandbox.url, X_API_KEY: k.appKey, X_API_SECRET: k.appSecret, X_ACCESS_TOKEN: k.accessToken, X_ACCESS_SECRET: k.accessSecret };
}

/** A runtime acting on the sandbox (through the browser unless `transport` says otherwise). */
export async function botRuntime(
  store: StoreKind,
  sandbox: Sandbox,
  options: { jobs: readonly JobDefinition[]; env?: Record<string, string>; clock?: TestClock; opener?: BrowserOpener; transport?: TransportName },
): Promise<TestRuntime> {
  registerSandboxSecrets(sandbox);
  return testRuntime(store, {
    jobs: options.jobs,
    ...(options.clock ? { clock: options.clock } : {}),
    openBrowser: options.opener ?? sandboxOpener(sandbox),
    env: { XBOT_X_BASE_URL: sandbox.url, XBOT_X_USER: sandbox.user, XBOT_TYPING: "fill", ...transportEnv(options.transport ?? "browser", sandbox), ...options.env },
  });
}

/** Registers the sandbox session (auth token and every cookie value) for the end-of-run log scan. */
export function registerSandboxSecrets(sandbox: Sandbox): void {
  registerSecret("sandbox authToken", sandbox.authToken);
  for (const cookie of sandbox.storageState().cookies) registerSecret(`sandbox cookie ${cookie.name}`, cookie.value);
  for (const [name, value] of Object.entries(sandbox.apiKeys)) if (name !== "appKey") registerSecret(`sandbox api ${name}`, value);
}
