/**
 * The QStash shim's batch, deduplication and flow control, driven by the real
 * `@upstash/qstash` Client (batchJSON, as lib/runtime/fan-out-publish.ts calls it), and the
 * fan-out's publishing side against it. A slow receiver verifies every delivery with the real
 * Receiver and records when each call was active.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client as QStashClient, Receiver } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config.js";
import { JOB_SPECS } from "../../lib/jobs/specs.js";
import { fanOutMessages } from "../../lib/runtime/fan-out-plan.js";
import { publishFanOut } from "../../lib/runtime/fan-out-publish.js";
import { startQStashShim, type QStashShim } from "../support/qstash-shim.js";

let q: QStashShim;
let server: http.Server;
let url: string;
let holdMs = 150;
const calls: { account: string; start: number; end: number; verified: boolean }[] = [];

beforeAll(async () => {
  q = await startQStashShim();
  const receiver = new Receiver({ currentSigningKey: q.currentSigningKey, nextSigningKey: q.nextSigningKey });
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const start = Date.now();
      const body = Buffer.concat(chunks).toString("utf8");
      const verified = await receiver.verify({ signature: String(req.headers["upstash-signature"]), body, url }).then(
        () => true,
        () => false,
      );
      await new Promise((r) => setTimeout(r, holdMs));
      calls.push({ account: (JSON.parse(body) as { account: string }).account, start, end: Date.now(), verified });
      res.writeHead(200).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/jobs/post`;
});
afterAll(async () => {
  await q.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const overlapping = (xs: readonly { start: number; end: number }[]) => xs.some((a, i) => xs.some((b, j) => i !== j && a.start < b.end && b.start < a.end));

describe("QStash shim with the real client", () => {
  it("batchJSON: one message each, a duplicate batch is deduplicated per message and delivered once", async () => {
    calls.length = 0;
    holdMs = 10;
    const client = new QStashClient({ baseUrl: q.url, token: q.token, retry: false });
    const batch = () => client.batchJSON(["a", "b", "c"].map((account) => ({ url, body: { account }, deduplicationId: `t1.${account}` })));
    const first = (await batch()) as { messageId: string; deduplicated?: boolean }[];
    const again = (await batch()) as { messageId: string; deduplicated?: boolean }[];
    expect(first.map((r) => r.deduplicated ?? false)).toEqual([false, false, false]);
    expect(again.map((r) => r.deduplicated)).toEqual([true, true, true]);
    expect(again.map((r) => r.messageId)).toEqual(first.map((r) => r.messageId));
    await q.idle();
    expect(calls.map((c) => c.account).sort()).toEqual(["a", "b", "c"]);
    expect(calls.every((c) => c.verified)).toBe(true);
  });

  it("flow control: parallelism 1 per key never overlaps one key's calls, while different keys run at once", async () => {
    calls.length = 0;
    holdMs = 150;
    const client = new QStashClient({ baseUrl: q.url, token: q.token, retry: false });
    const messages = ["a", "a", "a", "b", "b", "b"].map((account, i) => ({ url, body: { account }, deduplicationId: `fc.${i}`, flowControl: { key: `fc-${account}`, parallelism: 1 } }));
    await client.batchJSON(messages);
    await q.idle();
    const of = (account: string) => calls.filter((c) => c.account === account);
    expect(of("a")).toHaveLength(3);
    expect(of("b")).toHaveLength(3);
    expect(overlapping(of("a"))).toBe(false);
    expect(overlapping(of("b"))).toBe(false);
    expect(overlapping(calls)).toBe(true); // a's and b's calls did run side by side
    expect(q.flowPeaks()).toMatchObject({ "fc-a": 1, "fc-b": 1 });
    // The delivery log says the same: each key's calls are disjoint in time.
    const logged = q.deliveries().filter((d) => d.flowKey === "fc-a");
    expect(logged).toHaveLength(3);
    expect(overlapping(logged.map((d) => ({ start: d.at, end: d.endedAt! })))).toBe(false);
  });

  it("flow control: rate 2 per 1 s activates at most two calls of the key per second; without a limit the publish is refused", async () => {
    calls.length = 0;
    holdMs = 0;
    const client = new QStashClient({ baseUrl: q.url, token: q.token, retry: false });
    await client.batchJSON([0, 1, 2, 3].map((i) => ({ url, body: { account: `r${i}` }, flowControl: { key: "rate", rate: 2, period: 1 } })));
    await q.idle();
    const starts = calls.map((c) => c.start).sort((x, y) => x - y);
    expect(starts).toHaveLength(4);
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(900);
    const res = await fetch(`${q.url}/v2/publish/${url}`, {
      method: "POST",
      headers: { authorization: `Bearer ${q.token}`, "upstash-flow-control-key": "k", "upstash-flow-control-value": "period=1s" },
      body: "{}",
    });
    expect(res.status).toBe(400);
  });
});

describe("fan-out publishing", () => {
  it("publishes one message per account with its dedup id and flow key; a duplicated tick publishes none again", async () => {
    calls.length = 0;
    holdMs = 100;
    const config = loadConfig({ QSTASH_URL: q.url, QSTASH_TOKEN: q.token, QSTASH_CURRENT_SIGNING_KEY: q.currentSigningKey, QSTASH_NEXT_SIGNING_KEY: q.nextSigningKey, XBOT_PREFIX: "pub" });
    const messages = fanOutMessages({ job: JOB_SPECS.post, accounts: ["a", "b", "c"], slot: new Date("2026-12-02T12:05:00Z"), url, config });
    const [first, second] = await Promise.all([publishFanOut(config, messages), publishFanOut(config, messages)]);
    expect([...first.published, ...second.published].sort()).toEqual(["a", "b", "c"]);
    expect([...first.deduplicated, ...second.deduplicated].sort()).toEqual(["a", "b", "c"]);
    await q.idle();
    expect(calls.map((c) => c.account).sort()).toEqual(["a", "b", "c"]);
    const published = q.published().filter((m) => m.deduplicationId?.startsWith("pub.post."));
    expect(published.filter((m) => !m.deduplicated).map((m) => [m.deduplicationId, m.flow?.key, m.flow?.parallelism])).toEqual(
      expect.arrayContaining([
        ["pub.post.a.20261202T1205Z", "pub-x-a", 1],
        ["pub.post.b.20261202T1205Z", "pub-x-b", 1],
        ["pub.post.c.20261202T1205Z", "pub-x-c", 1],
      ]),
    );
  });

  it("says QStash was unreachable instead of throwing", async () => {
    const config = loadConfig({ QSTASH_URL: "http://127.0.0.1:1", QSTASH_TOKEN: q.token, QSTASH_CURRENT_SIGNING_KEY: q.currentSigningKey, QSTASH_NEXT_SIGNING_KEY: q.nextSigningKey });
    const outcome = await publishFanOut(config, fanOutMessages({ job: JOB_SPECS.post, accounts: ["a"], slot: new Date(), url, config }));
    expect(outcome.published).toEqual([]);
    expect(outcome.unreachable).toMatch(/QStash refused or did not answer/);
  });
});
