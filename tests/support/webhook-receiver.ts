/**
 * A local webhook receiver on 127.0.0.1 for alert tests: records every POST body by path and
 * can be told to fail (HTTP 500) or hang to exercise retries and the send timeout.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One received alert. */
export interface Received {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly contentType: string | undefined;
}

/** A running receiver. */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: Received[];
  /** "ok" answers 204, "fail" answers 500, "hang" never answers. */
  mode: "ok" | "fail" | "hang";
  close(): Promise<void>;
}

/** Starts a receiver on a free port of 127.0.0.1. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const state: { mode: WebhookReceiver["mode"] } = { mode: "ok" };
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (state.mode === "hang") return;
      if (state.mode === "fail") {
        res.writeHead(500).end("receiver told to fail");
        return;
      }
      received.push({ path: req.url ?? "/", body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>, contentType: req.headers["content-type"] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
