/** The local server's request URL (what a QStash token's `sub` is checked against). */
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { requestUrl } from "../../lib/dev/request-url.js";

const req = (url: string, headers: Record<string, string> = {}) => ({ url, headers, socket: { localAddress: "127.0.0.1", localPort: 3000 } }) as unknown as IncomingMessage;
const forwarded = { host: "evil.test", "x-forwarded-host": "other.vercel.app", "x-forwarded-proto": "https" };

describe("requestUrl", () => {
  it("without trust, ignores Host and X-Forwarded-* and uses the socket", () => {
    expect(requestUrl(req("/api/queue?a=1", forwarded), { trustProxy: false })).toBe("http://127.0.0.1:3000/api/queue?a=1");
  });
  it("with XBOT_PUBLIC_URL, uses that origin; a //host path never becomes the host", () => {
    expect(requestUrl(req("/api/queue", forwarded), { trustProxy: false, publicUrl: "https://bot.example.com/" })).toBe("https://bot.example.com/api/queue");
    expect(requestUrl(req("//evil.test/api/queue"), { trustProxy: false, publicUrl: "https://bot.example.com" })).toBe("https://bot.example.com//evil.test/api/queue");
  });
  it("with XBOT_TRUST_PROXY, takes X-Forwarded-Host/-Proto, then Host", () => {
    expect(requestUrl(req("/api/queue", forwarded), { trustProxy: true })).toBe("https://other.vercel.app/api/queue");
    expect(requestUrl(req("/api/queue", { host: "tunnel.example" }), { trustProxy: true })).toBe("http://tunnel.example/api/queue");
  });
  it("an absolute-form target keeps only its path", () => {
    expect(requestUrl(req("http://evil.test/api/queue"), { trustProxy: false })).toBe("http://127.0.0.1:3000/api/queue");
  });
});
