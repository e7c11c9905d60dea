/**
 * `npm start` (the local server) with XBOT_X_TRANSPORT=api and no X API keys: the sandbox
 * issues local keys the way it issues the session (kept in the 0600 secrets file), and the
 * first run posts its first item through the sandbox's POST /2/tweets; the post run's
 * summary (its receipt) says `source: "api"`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../../lib/dev/server.js";
import { createTestDatabase, services } from "../support/env.js";

const svc = services();
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!svc.postgres)("npm start on the API transport", () => {
  it("with no keys, issues local ones and posts the first item through POST /2/tweets; the receipt says api", { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "xbot-local-api-"));
    dirs.push(dataDir);
    const env = { DATABASE_URL: await createTestDatabase("localapi"), XBOT_NEON_HTTP_URL: svc.postgres!.neonHttpUrl, XBOT_STATE: "postgres", XBOT_DATA_DIR: dataDir, XBOT_X_TRANSPORT: "api" };
    let server: LocalServer | undefined;
    try {
      server = await startLocalServer({ env, port: 0, sandboxPort: 0, logSink: () => {} });
      const sandbox = server.local.sandbox!;
      const secrets = JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8")) as Record<string, string>;
      expect(secrets.sandboxApiKey).toBe(sandbox.apiKeys.appKey);
      expect(server.local.config).toMatchObject({ XBOT_X_TRANSPORT: "api", X_API_KEY: sandbox.apiKeys.appKey, XBOT_X_API_BASE_URL: sandbox.url });
      const sql = server.local.deps.clients.sql;
      let receipts: { tweet_id: string }[] = [];
      for (let i = 0; i < 900 && receipts.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        receipts = await sql.query<{ tweet_id: string }>("SELECT tweet_id FROM posts WHERE position = 0");
      }
      expect(receipts).toHaveLength(1);
      const created = sandbox.apiCalls().filter((c) => c.endpoint === "POST tweets" && c.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      const onX = sandbox.posts().filter((p) => p.author === sandbox.user && p.inReplyTo === null && p.id === receipts[0]!.tweet_id);
      expect(onX).toHaveLength(1);
      const [run] = await sql.query<{ summary: { result: string; source: string } }>("SELECT summary FROM job_runs WHERE job = 'post' AND status = 'ok' ORDER BY started_at LIMIT 1");
      expect(run?.summary).toMatchObject({ result: "posted", source: "api" });
    } finally {
      await server?.close();
    }
  });
});
