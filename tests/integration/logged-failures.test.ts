/**
 * Failures that used to vanish are logged with their cause: a local-server route that throws
 * (500 plus an error line naming the cause), an unrepresentable request (400 plus a warning),
 * and a status request whose LLM spend counter cannot be read (200 with null spend plus a
 * warning). The QStash verify failure is covered in queue-replay.test.ts.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { serveWeb } from "../../lib/dev/http-adapter.js";
import { createLogger } from "../../lib/log.js";
import { statusRoute } from "../../lib/runtime/http/status-route.js";
import type { RuntimeDeps } from "../../lib/runtime/runner.js";
import { availableStores, testRuntime, TEST_SECRETS } from "../support/runtime.js";

async function withServer(listener: (req: IncomingMessage, res: ServerResponse) => void, fn: (port: number) => Promise<void>): Promise<void> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await fn((server.address() as AddressInfo).port);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const get = (port: number, path: string, headers: Record<string, string> = {}) =>
  new Promise<number>((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });

describe("logged failures", () => {
  it("serveWeb: a handler that throws answers 500 and logs the cause", async () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) });
    await withServer(
      (req, res) =>
        void serveWeb(
          async () => {
            throw new Error("boom: the handler broke");
          },
          req,
          res,
          { trustProxy: false },
          log,
        ),
      async (port) => {
        expect(await get(port, "/api/x")).toBe(500);
      },
    );
    expect(lines.some((l) => l.includes('"level":"error"') && l.includes("boom: the handler broke"))).toBe(true);
  });

  it.each(availableStores())("status on %s state: an unreadable spend counter is null in the answer and a warning in the log", async (store) => {
    const rt = await testRuntime(store);
    const factory = async (): Promise<RuntimeDeps> => {
      const deps = await rt.factory();
      const state = new Proxy(deps.clients.state, {
        get: (target, key, receiver) => (key === "readCounter" ? () => Promise.reject(new Error("counter store gone")) : (Reflect.get(target, key, receiver) as unknown)),
      });
      return { ...deps, clients: { ...deps.clients, state } };
    };
    const res = await statusRoute(factory).GET(new Request("http://xbot.test/api/status", { headers: { authorization: `Bearer ${TEST_SECRETS.admin}` } }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { llm: { spentTodayUsd: unknown } }).llm.spentTodayUsd).toBeNull();
    expect(rt.logs.some((l) => l.includes('"level":"warn"') && l.includes("spend counter could not be read") && l.includes("counter store gone"))).toBe(true);
  });
});
