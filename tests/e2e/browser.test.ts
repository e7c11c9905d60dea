/**
 * lib/browser against the REAL bundled Chromium (@sparticuz/chromium) and a tiny local page
 * server. Every test asserts that no Chromium process and no profile directory is left behind.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure } from "../support/failure.js";
import { isProcessAlive as alive } from "../support/services.js";
import { XbotError } from "../../lib/errors.js";
import { createLogger } from "../../lib/log.js";
import { fileArtifactSink, openBrowser, sparticuzProvider, type BrowserSession } from "../../lib/browser/index.js";

const T = { timeout: 60_000 };
const logLines: string[] = [];
const logger = createLogger({ level: "debug", sink: (line) => logLines.push(line) });

const hits = new Map<string, number>();
const hanging = new Set<ServerResponse>();
let server: Server;
let base = "";
let artifactDir = "";

const PAGE = `<!doctype html><html><head><title>home</title>
<style>@font-face{font-family:F;src:url(/asset/font.woff2) format("woff2")} body{font-family:F}</style></head>
<body><h1 id="title">hello</h1><img src="/asset/a.png"><img src="/asset/b.png">
<video src="/asset/clip.mp4" autoplay muted></video><script>document.title = "home-js"</script></body></html>`;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  hits.set(path, (hits.get(path) ?? 0) + 1);
  if (path === "/hang") {
    hanging.add(res);
    return;
  }
  if (path.startsWith("/asset/")) return void res.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.alloc(64));
  if (path === "/big") {
    const filler = `<p>${"x".repeat(1000)}</p>\n`.repeat(1000);
    return void res.writeHead(200, { "content-type": "text/html" }).end(`<html><body><script>var a=1;</script>${filler}</body></html>`);
  }
  if (path === "/loop") {
    return void res.writeHead(200, { "content-type": "text/html" }).end("<html><body>busy<script>setTimeout(()=>{for(;;){}},50)</script></body></html>");
  }
  res.writeHead(200, { "content-type": "text/html", "content-length": Buffer.byteLength(PAGE) }).end(PAGE);
}

/** Pids of processes whose command line mentions `needle` (the unique profile dir). */
function pidsMatching(needle: string): number[] {
  try {
    return execFileSync("pgrep", ["-f", needle], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Opens a session and returns it with its pid and profile dir, asserting both are real. */
async function open(extra: Partial<Parameters<typeof openBrowser>[0]> = {}): Promise<{ session: BrowserSession; pid: number; dir: string }> {
  const session = await openBrowser({ provider: sparticuzProvider({ closeTimeoutMs: 2_000 }), logger, artifacts: fileArtifactSink(artifactDir), ...extra });
  const info = session.process();
  expect(info?.pid).toBeTypeOf("number");
  expect(info?.userDataDir).toMatch(/playwright_chromiumdev_profile-/);
  const pid = info?.pid ?? -1;
  const dir = info?.userDataDir ?? "";
  expect(alive(pid)).toBe(true);
  expect(pidsMatching(dir)).toContain(pid);
  return { session, pid, dir };
}

/** Closes and asserts nothing of this browser is left: no pid, no process on the profile, no profile dir. */
async function closeAndAssertGone(opened: { session: BrowserSession; pid: number; dir: string }): Promise<void> {
  await opened.session.close();
  expect(alive(opened.pid)).toBe(false);
  expect(pidsMatching(opened.dir)).toEqual([]);
  expect(existsSync(opened.dir)).toBe(false);
}

beforeAll(async () => {
  artifactDir = mkdtempSync(join(tmpdir(), "xbot-artifacts-test-"));
  server = createServer(handle);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise<void>((done) => server.close(() => done()));
  rmSync(artifactDir, { recursive: true, force: true });
});

describe("withPage", () => {
  it("returns the operation's value, on a fresh page per call, and cleans up", T, async () => {
    const opened = await open();
    const pages = new Set<unknown>();
    const first = await opened.session.withPage("title", async (page) => {
      pages.add(page);
      await page.goto(`${base}/`);
      return page.title();
    });
    const second = await opened.session.withPage("count", async (page) => {
      pages.add(page);
      expect(page.url()).toBe("about:blank");
      return opened.session.stats().pagesOpened;
    });
    const cmdline = readFileSync(`/proc/${opened.pid}/cmdline`, "utf8").split("\0");
    expect(cmdline).toContain("--disable-quic");
    expect(cmdline).not.toContain("--disable-web-security");
    expect(first).toBe("home-js");
    expect(second).toBe(2);
    expect(pages.size).toBe(2);
    for (const page of pages) expect((page as { isClosed(): boolean }).isClosed()).toBe(true);
    await closeAndAssertGone(opened);
  });

  it("blocks images and fonts by default with launch flags, without intercepting a request (counted at the server)", T, async () => {
    hits.clear();
    const opened = await open();
    await opened.session.withPage("load", async (page) => {
      await page.goto(`${base}/`, { waitUntil: "load" });
      await page.waitForTimeout(300);
    });
    expect(hits.get("/")).toBe(1);
    const assets = [...hits.keys()].filter((path) => path.startsWith("/asset/"));
    expect(assets).toEqual(["/asset/clip.mp4"]);
    const cmdline = readFileSync(`/proc/${opened.pid}/cmdline`, "utf8").split("\0");
    expect(cmdline).toEqual(expect.arrayContaining(["--blink-settings=imagesEnabled=false", "--disable-remote-fonts"]));
    const stats = opened.session.stats();
    expect(stats.requestsBlocked).toBe(0);
    expect(stats.bytesReceived).toBeGreaterThanOrEqual(Buffer.byteLength(PAGE));
    await closeAndAssertGone(opened);
  });

  it("aborts media through the route when asked, images and fonts still by flag", T, async () => {
    hits.clear();
    const opened = await open({ blockResources: ["image", "media", "font"] });
    await opened.session.withPage("load", async (page) => {
      await page.goto(`${base}/`, { waitUntil: "load" });
      await page.waitForTimeout(300);
    });
    expect([...hits.keys()].filter((path) => path.startsWith("/asset/"))).toEqual([]);
    expect(opened.session.stats().requestsBlocked).toBeGreaterThanOrEqual(1);
    await closeAndAssertGone(opened);
  });

  it("loads them when blocking is off", T, async () => {
    hits.clear();
    const opened = await open({ blockResources: [] });
    await opened.session.withPage("load", async (page) => {
      await page.goto(`${base}/`, { waitUntil: "load" });
    });
    expect(hits.get("/asset/a.png")).toBe(1);
    expect(hits.get("/asset/font.woff2")).toBe(1);
    const cmdline = readFileSync(`/proc/${opened.pid}/cmdline`, "utf8").split("\0");
    expect(cmdline).not.toContain("--disable-remote-fonts");
    expect(opened.session.stats().requestsBlocked).toBe(0);
    await closeAndAssertGone(opened);
  });
});

describe("failures", () => {
  it("a timeout raises page_timeout, force-closes the page, saves an artifact, and cleans up", T, async () => {
    const opened = await open();
    let seen: { isClosed(): boolean } | undefined;
    const started = Date.now();
    const error = await failure(
      opened.session.withPage(
        "hang",
        async (page) => {
          seen = page;
          await page.goto(`${base}/`, { waitUntil: "domcontentloaded" });
          await page.evaluate(() => new Promise(() => {}));
        },
        { timeoutMs: 800 },
      ),
    );
    expect(error.code).toBe("page_timeout");
    expect(Date.now() - started).toBeLessThan(800 + 5_000);
    expect(seen?.isClosed()).toBe(true);
    const artifact = error.details?.artifact;
    expect(artifact).toBeTypeOf("string");
    expect(existsSync(join(artifactDir, `${String(artifact)}.png`))).toBe(true);
    await closeAndAssertGone(opened);
  });

  it("a thrown error keeps its code and gets a size-capped artifact (PNG + HTML)", T, async () => {
    const opened = await open();
    const error = await failure(
      opened.session.withPage("big", async (page) => {
        await page.goto(`${base}/big`);
        throw new XbotError("x_login_wall", "login wall seen");
      }),
    );
    expect(error.code).toBe("x_login_wall");
    const id = String(error.details?.artifact);
    const png = join(artifactDir, `${id}.png`);
    const html = join(artifactDir, `${id}.html`);
    expect(statSync(png).size).toBeGreaterThan(100);
    expect(statSync(png).size).toBeLessThanOrEqual(1_000_000);
    expect(statSync(html).size).toBeLessThanOrEqual(200_000);
    expect(statSync(html).size).toBeGreaterThan(150_000);
    await closeAndAssertGone(opened);
  });

  it("an unknown error becomes page_unexpected; a Playwright timeout becomes page_timeout", T, async () => {
    const opened = await open({ artifacts: undefined, navigationTimeoutMs: 300 });
    const unexpected = await failure(
      opened.session.withPage("boom", async () => {
        throw new Error("selector not found");
      }),
    );
    expect(unexpected.code).toBe("page_unexpected");
    const pwTimeout = await failure(
      opened.session.withPage("wait", async (page) => {
        await page.waitForSelector("#never", { timeout: 200 });
      }),
    );
    expect(pwTimeout.code).toBe("page_timeout");
    const started = Date.now();
    const navTimeout = await failure(opened.session.withPage("nav", (page) => page.goto(`${base}/hang`)));
    expect(navTimeout.code).toBe("page_timeout");
    expect(navTimeout.message).toContain("300ms");
    expect(Date.now() - started).toBeLessThan(3_000);
    await closeAndAssertGone(opened);
  });

  it("an aborted signal raises deadline and the page is closed", T, async () => {
    const opened = await open();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    let seen: { isClosed(): boolean } | undefined;
    const error = await failure(
      opened.session.withPage(
        "abort",
        (page) => {
          seen = page;
          return page.goto(`${base}/hang`).then(() => "never");
        },
        { signal: controller.signal },
      ),
    );
    expect(error.code).toBe("deadline");
    expect(seen?.isClosed()).toBe(true);
    const already = await failure(opened.session.withPage("pre-aborted", async () => 1, { signal: controller.signal }));
    expect(already.code).toBe("deadline");
    expect(opened.session.stats().pagesOpened).toBe(1);
    await closeAndAssertGone(opened);
  });

  it("a browser killed mid-operation raises browser_crashed and cleanup leaves nothing", T, async () => {
    const opened = await open();
    const error = await failure(
      opened.session.withPage("crash", async (page) => {
        await page.goto(`${base}/`);
        process.kill(opened.pid, "SIGKILL");
        await page.goto(`${base}/hang`);
      }),
    );
    expect(error.code, error.message).toBe("browser_crashed");
    expect(existsSync(join(artifactDir, `${String(error.details?.artifact)}.json`))).toBe(true);
    const after = await failure(opened.session.withPage("after", async () => 1));
    expect(after.code).toBe("browser_crashed");
    await closeAndAssertGone(opened);
  });

  it("a page wedged in a JS loop times out and the session still closes", T, async () => {
    const opened = await open();
    const error = await failure(
      opened.session.withPage(
        "loop",
        async (page) => {
          await page.goto(`${base}/loop`);
          await page.waitForTimeout(200);
          await page.evaluate(() => 1);
        },
        { timeoutMs: 1_000 },
      ),
    );
    expect(error.code).toBe("page_timeout");
    const started = Date.now();
    await closeAndAssertGone(opened);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it("a browser whose close hangs (SIGSTOP) is SIGKILLed after the close timeout", T, async () => {
    const opened = await open();
    await opened.session.withPage("warm", (page) => page.goto(`${base}/`));
    process.kill(opened.pid, "SIGSTOP");
    const started = Date.now();
    await closeAndAssertGone(opened);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_900);
    expect(elapsed).toBeLessThan(6_000);
    expect(logLines.some((line) => line.includes("browser close hung"))).toBe(true);
  });
});

describe("session state and disposal", () => {
  it("starts from a storage state and returns rotated cookies; await using closes", T, async () => {
    let pid = -1;
    let dir = "";
    {
      await using session = await openBrowser({
        provider: sparticuzProvider(),
        logger,
        storageState: {
          cookies: [{ name: "ct0", value: "csrf-1", domain: "127.0.0.1", path: "/", expires: -1, httpOnly: false, secure: false, sameSite: "Lax" }],
          origins: [],
        },
      });
      pid = session.process()?.pid ?? -1;
      dir = session.process()?.userDataDir ?? "";
      const sent = await session.withPage("cookies", async (page) => {
        await page.goto(`${base}/`);
        await page.evaluate(() => {
          // biome-ignore lint/suspicious/noDocumentCookie: the test sets a cookie the way x.com's own script does
          document.cookie = "ct0=csrf-2; path=/";
        });
        return page.evaluate(() => document.cookie);
      });
      expect(sent).toBe("ct0=csrf-2");
      const state = await session.storageState();
      expect(state.cookies.find((c) => c.name === "ct0")?.value).toBe("csrf-2");
    }
    expect(alive(pid)).toBe(false);
    expect(pidsMatching(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});
