/**
 * Providers other than the default: a local executable, a remote browser over CDP (a real
 * Chromium we start with --remote-debugging-port), and an authenticating HTTP proxy.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sparticuz from "@sparticuz/chromium";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  let remote: ChildProcess;
  let profile = "";
  let endpoint = "";

  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), "xbot-cdp-test-"));
    // Multi-process like an operator's own Chrome (single-process Chromium crashes on a second CDP context).
    const args = [
      ...Sparticuz.args.filter((a) => !a.startsWith("--headless") && a !== "--single-process"),
      "--headless",
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "--disable-background-networking",
      "--no-startup-window",
    ];
    remote = spawn(await Sparticuz.executablePath(), args, { detached: true, stdio: ["ignore", "ignore", "pipe"] });
    endpoint = await new Promise<string>((done, fail) => {
      let text = "";
      remote.stderr?.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
        if (match?.[1]) done(match[1]);
      });
      remote.once("exit", () => fail(new Error(`remote chromium exited: ${text}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (remote.pid !== undefined && remote.exitCode === null && remote.signalCode === null) {
      const exited = new Promise((done) => remote.once("exit", done));
      process.kill(-remote.pid, "SIGKILL");
      await exited;
    }
    rmSync(profile, { recursive: true, force: true });
  });

  it("closes only the contexts it opened and leaves the remote browser running", T, async () => {
    const provider = cdpProvider(endpoint);
    {
      await using session = await openBrowser({ provider, logger });
      expect(session.process()).toBeUndefined();
      expect(await session.withPage("eval", (page) => page.evaluate(() => navigator.userAgent))).toContain("Chrome");
    }
    expect(remote.exitCode).toBeNull();
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
