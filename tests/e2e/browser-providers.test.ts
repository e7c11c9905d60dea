/**
 * Providers other than the default: a local executable, a remote browser over CDP (a real
 * Chromium we start with --remote-debugging-port), and an authenticating HTTP proxy.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Sparticuz from "@sparticuz/chromium";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCdpChromium, stopCdpChromium, type CdpChromium } from "../support/cdp-chromium.js";
import { failure } from "../support/failure.js";
import type { XbotError } from "../../lib/errors.js";
import { createLogger } from "../../lib/log.js";
import { cdpProvider, describeProxy, localExecutableProvider, openBrowser, parseProxyUrl, sparticuzProvider } from "../../lib/browser/index.js";

const T = { timeout: 60_000 };
const logLines: string[] = [];
const logger = createLogger({ level: "debug", sink: (line) => logLines.push(line) });

const PASSWORD = "s3cret-proxy-pass";
const proxyLog: { host: string | undefined; authorized: boolean }[] = [];
let proxy: Server;
let proxyUrl = "";

/** A forward proxy that demands Basic auth and answers every request itself. */
function handleProxy(req: IncomingMessage, res: ServerResponse): void {
  const expected = `Basic ${Buffer.from(`bot:${PASSWORD}`).toString("base64")}`;
  const authorized = req.headers["proxy-authorization"] === expected;
  proxyLog.push({ host: req.headers.host, authorized });
  if (!authorized) return void res.writeHead(407, { "proxy-authenticate": 'Basic realm="xbot"' }).end();
  res.writeHead(200, { "content-type": "text/html" }).end(`<html><head><title>via proxy ${req.headers.host}</title></head></html>`);
}

beforeAll(async () => {
  proxy = createServer(handleProxy);
  await new Promise<void>((done) => proxy.listen(0, "127.0.0.1", done));
  proxyUrl = `http://bot:${PASSWORD}@127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((done) => proxy.close(() => done()));
});

describe("parseProxyUrl", () => {
  it("splits credentials from the server and never describes the password", () => {
    const parsed = parseProxyUrl("http://us%40er:p%3Ass@proxy.example:8080");
    expect(parsed).toEqual({ server: "http://proxy.example:8080", username: "us@er", password: "p:ss" });
    expect(describeProxy(parsed)).toBe("http://proxy.example:8080 (user us@er)");
    expect(parseProxyUrl("socks5://10.0.0.1:1080")).toEqual({ server: "socks5://10.0.0.1:1080" });
  });

  it("rejects bad URLs without echoing them", () => {
    for (const bad of ["not a url", "ftp://u:hunter22@host:21", "http://"]) {
      const error = (() => {
        try {
          parseProxyUrl(bad);
        } catch (e) {
          return e as XbotError;
        }
        return undefined;
      })();
      expect(error?.code).toBe("config_invalid");
      expect(error?.message).not.toContain("hunter22");
    }
  });
});

describe("launch providers", () => {
  it("routes traffic through an authenticating proxy and never logs its password", T, async () => {
    proxyLog.length = 0;
    await using session = await openBrowser({ provider: sparticuzProvider(), proxy: parseProxyUrl(proxyUrl), logger });
    const title = await session.withPage("proxied", async (page) => {
      await page.goto("http://sandbox.test/home");
      return page.title();
    });
    expect(title).toBe("via proxy sandbox.test");
    expect(proxyLog.some((entry) => entry.authorized && entry.host === "sandbox.test")).toBe(true);
    expect(logLines.join("\n")).not.toContain(PASSWORD);
  });

  it("launches a local executable (CHROMIUM_PATH style)", T, async () => {
    const provider = localExecutableProvider(await Sparticuz.executablePath(), { extraArgs: ["--single-process", "--no-zygote", "--no-sandbox"] });
    await using session = await openBrowser({ provider, logger });
    expect(session.provider).toBe("local");
    expect(await session.withPage("eval", (page) => page.evaluate(() => 6 * 7))).toBe(42);
  });

  // Checked before Playwright runs: Playwright itself would leak its temp profile dirs here.
  it("a missing executable fails as browser_launch", T, async () => {
    const error = await failure(openBrowser({ provider: localExecutableProvider("/nonexistent/chromium"), logger }));
    expect(error.code).toBe("browser_launch");
    expect(error.message).toContain("missing or not executable");
  });
});

describe("cdpProvider", () => {
  let remote: CdpChromium;
  let endpoint = "";

  beforeAll(async () => {
    remote = await startCdpChromium("xbot-cdp-test-");
    endpoint = remote.endpoint;
  }, 60_000);

  afterAll(async () => {
    await stopCdpChromium(remote);
  });

  it("closes only the contexts it opened and leaves the remote browser running", T, async () => {
    const provider = cdpProvider(endpoint);
    {
      await using session = await openBrowser({ provider, logger });
      expect(session.process()).toBeUndefined();
      expect(await session.withPage("eval", (page) => page.evaluate(() => navigator.userAgent))).toContain("Chrome");
    }
    expect(remote.process.exitCode).toBeNull();
    const observer = await chromium.connectOverCDP(endpoint);
    try {
      expect(observer.contexts()).toHaveLength(1);
    } finally {
      await observer.close();
    }
  });

  it("applies the proxy per context", T, async () => {
    proxyLog.length = 0;
    await using session = await openBrowser({ provider: cdpProvider(endpoint), proxy: parseProxyUrl(proxyUrl), logger });
    const title = await session.withPage("proxied", async (page) => {
      await page.goto("http://remote.test/");
      return page.title();
    });
    expect(title).toBe("via proxy remote.test");
  });
});
