/**
 * OAuth 2.0 refresh-token rotation under real concurrency, on both state stores: runs that
 * find the stored access token expired at once end with exactly one refresh at the sandbox's
 * token endpoint (which rotates the refresh token and kills the old one, as X does), the same
 * valid access token for every run, and the one live refresh token stored, sealed.
 */
import { randomBytes } from "node:crypto";
import { Agent } from "node:http";
import { TwitterApi } from "twitter-api-v2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { putTokenRow, readTokenRow, tokenVault } from "../../lib/db/oauth2-tokens.js";
import { accessToken, openTokens, sealTokens } from "../../lib/x/transport/oauth2.js";
import { botRuntime } from "../support/bot.js";
import { services } from "../support/env.js";
import type { StoreKind } from "../support/runtime.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe.skipIf(!services().postgres || !services().redis).each(["redis", "postgres"] as StoreKind[])("OAuth 2.0 refresh rotation (%s state)", (store) => {
  it("8 concurrent runs with an expired access token: one refresh, one valid token, the live refresh token stored", async () => {
    const sessionKey = randomBytes(32).toString("hex");
    const first = await botRuntime(store, sandbox, { jobs: [], env: { XBOT_SESSION_KEY: sessionKey } });
    // A second run on the same database and state store, with its own clients.
    const second = await botRuntime(store, sandbox, { jobs: [], env: { ...first.env } });
    const deps = [await first.factory(), await second.factory()];
    const { sql } = deps[0]!.clients;
    const account = deps[0]!.config.XBOT_ACCOUNT_ID;
    const key = deps[0]!.config.XBOT_SESSION_KEY!;
    const before = sandbox.oauth2();
    await putTokenRow(sql, account, sealTokens({ accessToken: "expired", refreshToken: before.refreshToken, expiresAtMs: 0 }, key));
    const tokens = await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const d = deps[i % 2]!;
        return accessToken({ tokens: tokenVault(d.clients.sql), lock: d.clients.state, accountId: account, key, clientId: before.clientId, baseUrl: sandbox.url, owner: `run-${i}`, nowMs: Date.now });
      }),
    );
    const after = sandbox.oauth2();
    expect(after.refreshes - before.refreshes).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    const stored = openTokens((await readTokenRow(sql, account))!.blob, key);
    expect(stored.refreshToken).toBe(after.refreshToken);
    expect(stored.refreshToken).not.toBe(before.refreshToken);
    expect(stored.accessToken).toBe(tokens[0]);
    expect((await readTokenRow(sql, account))!.blob).not.toContain(stored.refreshToken);
    const me = await new TwitterApi(tokens[0]!, { httpAgent: new Agent() }).v2.get<{ data: { username: string } }>("users/me", {}, { prefix: `${sandbox.url}/2/` });
    expect(me.data.username).toBe(sandbox.user);
    // The next expiry refreshes again from what was stored: nothing was lost.
    await putTokenRow(sql, account, sealTokens({ ...stored, expiresAtMs: 0 }, key));
    const again = await accessToken({
      tokens: tokenVault(sql),
      lock: deps[1]!.clients.state,
      accountId: account,
      key,
      clientId: before.clientId,
      baseUrl: sandbox.url,
      owner: "run-next",
      nowMs: Date.now,
    });
    expect(again).not.toBe(tokens[0]);
    expect(sandbox.oauth2().refreshes - before.refreshes).toBe(2);
  }, 120_000);
});
