/**
 * The sandbox's admin API (`/__sandbox/*`) trusts nothing: it is bound to loopback, needs the
 * sandbox's own token (x-sandbox-token) and refuses a foreign Origin, so a web page open in
 * the operator's browser cannot reset or fault it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../lib/dev/sandbox/index.js";
import { admin, adminHeaders } from "../support/sandbox-api.js";

describe("sandbox admin API", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await createSandbox();
  });
  afterAll(async () => {
    await sb?.close();
  });

  const call = (method: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${sb.url}/__sandbox/${path}`, { method, headers: { "content-type": "application/json", ...headers }, ...(method === "POST" ? { body: JSON.stringify({ kind: "challenge" }) } : {}) });

  it("refuses every route without the token, or with a wrong one, and changes nothing", async () => {
    for (const [method, path] of [
      ["POST", "reset"],
      ["POST", "fault"],
      ["DELETE", "fault"],
      ["GET", "session"],
      ["GET", "posts"],
      ["DELETE", "posts/1"],
    ]) {
      for (const headers of [{}, { "x-sandbox-token": "wrong" }, { "x-sandbox-token": `${sb.adminToken}x` }] as Record<string, string>[]) {
        const res = await call(method!, path!, headers);
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
    expect((await admin(sb, "GET", "fault")).json).toEqual({ fault: null });
  });

  it("refuses a foreign Origin even with the token; its own origin and no Origin pass", async () => {
    for (const origin of ["https://evil.example", "null", "http://127.0.0.1:1"]) {
      const res = await call("POST", "fault", { ...adminHeaders(sb), origin });
      expect(res.status, origin).toBe(403);
    }
    expect((await call("GET", "fault", { ...adminHeaders(sb), "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await admin(sb, "GET", "fault")).json).toEqual({ fault: null });
    expect((await call("POST", "fault", { ...adminHeaders(sb), origin: sb.url })).status).toBe(200);
    expect((await admin(sb, "DELETE", "fault")).status).toBe(200);
  });

  it("binds loopback only", async () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "example.com"]) {
      await expect(createSandbox({ host }), host).rejects.toThrow(/loopback only/);
    }
  });
});
