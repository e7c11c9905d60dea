/**
 * Several accounts on the sandbox: one sandbox X site (user `acct_<id>`) per account, an
 * `accounts` row each (its settings point xBaseUrl at its sandbox), and a runtime that builds
 * each account's browser from its own config, as production does. `serveRoutes` puts Web
 * handlers on a loopback HTTP server so the QStash shim can deliver to them.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { openBrowser, sparticuzProvider } from "../../lib/browser/index.js";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { insertAccount } from "../../lib/db/accounts.js";
import { readRawBody, sendWebResponse, toWebRequest } from "../../lib/dev/http-adapter.js";
import type { JobDefinition } from "../../lib/jobs/job.js";
import type { Clock } from "../../lib/jobs/context.js";
import { registerSandboxSecrets } from "./bot.js";
import { testRuntime, type TestRuntime } from "./runtime.js";

/** One sandbox per account id. */
export async function accountSandboxes(ids: readonly string[]): Promise<Record<string, Sandbox>> {
  const out: Record<string, Sandbox> = {};
  for (const id of ids) {
    out[id] = await createSandbox({ user: `acct_${id}` });
    registerSandboxSecrets(out[id]!);
  }
  return out;
}

/** A runtime whose accounts are the sandboxes' users, with their rows inserted (`settings` per account merged in). */
export async function accountsRuntime(
  sandboxes: Record<string, Sandbox>,
  options: { jobs: readonly JobDefinition[]; env?: Record<string, string>; clock?: Clock; settings?: Record<string, Record<string, unknown>> },
): Promise<TestRuntime> {
  const rt = await testRuntime("redis", {
    jobs: options.jobs,
    ...(options.clock ? { clock: options.clock } : {}),
    browser:
      (config) =>
      ({ log }) =>
        openBrowser({ provider: sparticuzProvider(), storageState: sandboxes[config.XBOT_ACCOUNT_ID]!.storageState(), logger: log }),
    env: { XBOT_TYPING: "fill", ...options.env },
  });
  const deps = await rt.factory();
  for (const [id, sandbox] of Object.entries(sandboxes)) await insertAccount(deps.clients.sql, { id, handle: `acct_${id}`, settings: { xBaseUrl: sandbox.url, ...options.settings?.[id] } });
  return rt;
}

/** A loopback server handing each request to the route of its path. */
export async function serveRoutes(route: (path: string) => ((r: Request) => Promise<Response>) | undefined): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const { body } = await readRawBody(req);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url ?? "/"}`;
    const handler = route(new URL(url).pathname);
    if (!handler) return void res.writeHead(404).end();
    await sendWebResponse(res, await handler(toWebRequest(req, url, body)), req.method ?? "GET");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
